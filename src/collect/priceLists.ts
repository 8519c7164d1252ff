// The NCE price list and the offer matrix (licence-spend.md §1): they change on the first of a month, so they are
// fetched once per month into <exports>/.collect/prices/<YYYYMM>/, and every night's drop gets a copy of them, so
// that each night prices its own seats. A partner without access gets no prices: a note, not a failed night.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../deliver/files.js';
import {
  classifyPriceAnswer,
  offerMatrixUrl,
  priceFileName,
  priceRequestHeaders,
  priceSheetUrl,
} from '../spend/priceSources.js';
import { CallError, withRetries } from './http.js';
import type { Night } from './night.js';
import { namesIn, priceMonth } from './workDir.js';

async function download(night: Night, url: string): Promise<Uint8Array> {
  return withRetries(night.policy, async (signal) => {
    const res = await fetch(url, {
      headers: await night.pcHeaders(priceRequestHeaders(false)),
      redirect: 'error',
      signal,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200)
      throw new CallError(
        `HTTP ${res.status}`,
        res.status,
        Buffer.from(bytes).toString('utf8').slice(0, 500),
        res.headers.get('retry-after'),
      );
    return bytes;
  });
}

export async function collectPriceLists(night: Night, date: string): Promise<void> {
  const priceDir = night.paths.prices;
  const partnerBase = night.config.microsoft.endpoints.partner.replace(/\/+$/, '');
  const market = night.config.spend.market ?? 'US';
  for (const [kind, url] of [
    ['pricesheet', `${partnerBase}${new URL(priceSheetUrl({ market })).pathname}`],
    ['offermatrix', `${partnerBase}${new URL(offerMatrixUrl(priceMonth(date))).pathname}`],
  ] as const) {
    if (namesIn(priceDir).some((n) => n.startsWith(`${kind}.`))) continue;
    try {
      const body = await download(night, url);
      night.result.calls++;
      mkdirSync(priceDir, { recursive: true });
      writeFileAtomic(path.join(priceDir, path.basename(priceFileName(kind, body))), Buffer.from(body));
    } catch (err) {
      const status = err instanceof CallError ? err.status : 0;
      night.log.warn(
        { kind, status, meaning: classifyPriceAnswer(status, 'current') },
        'no price list this month: licence spend has no prices until it can be fetched',
      );
    }
  }
}

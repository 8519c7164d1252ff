// Covers src/digest/view.ts, templates/digest/, jobs/digest.ts. src/digest/view.ts and the digest templates for a large
// book (issue 21): the attention list of the e-mail stops at digest.maxCustomers and says, in the reader's language,
// how many more customers need attention and where they are. Through the real job: DuckDB, the plan, handlebars and
// nodemailer's .eml files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDigests } from '../jobs/digest.js';
import { ingest } from '../jobs/ingest.js';
import type { JobContext } from '../src/context.js';
import { writeDrop, type DropSpec } from '../src/demo/writeDrop.js';
import { PARTNER, tempDir, testContext } from './helpers/context.js';

const DATE = '2026-11-23';
const EN = 'am-en@partner.example';
const ZH = 'am-zh@partner.example';
const PER_MANAGER = 7;
const CAP = 3;

const names = (owner: string) =>
  Array.from({ length: PER_MANAGER }, (_, i) => `${owner === EN ? 'North' : 'South'} Customer ${i + 1}`);

/** Customers with 2 of their 10 + n licences assigned and nobody active: all below both thresholds. */
function bigBooks(): DropSpec {
  const spec: DropSpec = { customers: [], tenants: [] };
  [EN, ZH].forEach((owner, m) =>
    names(owner).forEach((name, i) => {
      const id = `c${m}000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
      spec.customers!.push({ customer_id: id, customer_name: name, owner_email: owner });
      spec.tenants.push({
        tenantId: id,
        refreshDate: '2026-11-22',
        users: [1, 2].map((u) => ({ upn: `u${u}@${m}-${i}.example`, products: ['MICROSOFT 365 E3'] })),
        subscriptions: [
          {
            id: `d${m}000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
            skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
            skuPartNumber: 'SPE_E3',
            status: 'Enabled',
            isTrial: false,
            // more licences, more unused: customer 7 comes first on the list
            totalLicenses: 10 + i,
            ownerTenantId: PARTNER,
          },
        ],
      });
    }),
  );
  return spec;
}

let ctx: JobContext;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  writeDrop(path.join(dir, 'exports', DATE), bigBooks());
  ctx = await testContext(dir);
  ctx.config.outputDir = path.join(dir, 'reports');
  ctx.config.digest.maxCustomers = CAP;
  ctx.config.recipients = { [ZH]: { name: '魏', locale: 'zh-CN', timeZone: 'Asia/Shanghai' } };
  await ingest(ctx, { asOf: DATE, trigger: 'manual' });
});
afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

async function preview(folder: string): Promise<Record<string, ParsedMail>> {
  const out = path.join(dir, folder);
  const res = await sendDigests(ctx, { asOf: DATE, trigger: 'manual', outDir: out });
  expect(res.outcomes.map((o) => [o.recipient, o.state])).toEqual([
    [EN, 'written'],
    [ZH, 'written'],
  ]);
  const mails: Record<string, ParsedMail> = {};
  for (const o of res.outcomes) mails[o.recipient] = await simpleParser(readFileSync(o.location!));
  return mails;
}

/** The customers of `owner` the text and the HTML name, in the text's order. */
function listed(mail: ParsedMail, owner: string) {
  const text = mail.text ?? '';
  const html = String(mail.html);
  const inText = [...text.matchAll(/^(\d+)\. (\S+ Customer \d+) /gm)].map((m) => `${m[1]}. ${m[2]}`);
  // "Customer 1" is not "Customer 10"
  const named = (body: string) => names(owner).filter((n) => new RegExp(`${n}(?!\\d)`).test(body));
  const inHtml = named(html);
  const inTextAnywhere = named(text);
  return { inText, inHtml, inTextAnywhere };
}

describe('a digest with more customers needing attention than digest.maxCustomers', () => {
  it('lists exactly the cap, most unused first, and says how many more there are and that the workbook has them', async () => {
    const mails = await preview('with-workbook');
    const en = mails[EN]!;
    expect(listed(en, EN)).toEqual({
      inText: ['1. North Customer 7', '2. North Customer 6', '3. North Customer 5'],
      inHtml: ['North Customer 5', 'North Customer 6', 'North Customer 7'],
      inTextAnywhere: ['North Customer 5', 'North Customer 6', 'North Customer 7'],
    });
    const more =
      '4 more customers need attention, not listed here: you will find them in the attached workbook (sheet Customers).';
    expect(en.text).toContain(`\n  ${more}\n`);
    expect(String(en.html)).toContain(more);
    // The subject counts every customer needing attention, listed or not.
    expect(en.subject).toBe('Adoption digest, week ending Nov 23, 2026: 7 customers need attention');
    expect(en.attachments.some((a) => a.filename?.endsWith('.xlsx'))).toBe(true);

    const zh = mails[ZH]!;
    expect(listed(zh, ZH)).toEqual({
      inText: ['1. South Customer 7', '2. South Customer 6', '3. South Customer 5'],
      inHtml: ['South Customer 5', 'South Customer 6', 'South Customer 7'],
      inTextAnywhere: ['South Customer 5', 'South Customer 6', 'South Customer 7'],
    });
    const moreZh = '另有 4 个客户需要关注，此处未列出：请在附件工作簿（Customers 工作表）中查看。';
    expect(zh.text).toContain(`\n  ${moreZh}\n`);
    expect(String(zh.html)).toContain(moreZh);
  });

  it('without a workbook attached, says how many more without pointing to one', async () => {
    ctx.config.digest.attachWorkbook = false;
    try {
      const mails = await preview('without-workbook');
      expect(listed(mails[EN]!, EN).inText).toHaveLength(CAP);
      expect(mails[EN]!.text).toContain('\n  4 more customers need attention, not listed here.\n');
      expect(mails[EN]!.text).not.toContain('workbook');
      expect(mails[ZH]!.text).toContain('\n  另有 4 个客户需要关注，此处未列出。\n');
      expect(mails[ZH]!.text).not.toContain('工作簿');
    } finally {
      ctx.config.digest.attachWorkbook = true;
    }
  });

  it('says nothing of more customers when every one fits under the cap', async () => {
    ctx.config.digest.maxCustomers = PER_MANAGER;
    try {
      const mails = await preview('all-listed');
      expect(listed(mails[EN]!, EN).inText).toHaveLength(PER_MANAGER);
      expect(mails[EN]!.text).not.toContain('more customer');
      expect(mails[ZH]!.text).not.toContain('另有');
    } finally {
      ctx.config.digest.maxCustomers = CAP;
    }
  });
});

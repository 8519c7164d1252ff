// Each customer's units (Graph, and Partner Center subscriptions), a bounded number of customers at once. One
// customer failing is recorded with what to do and the others go on; a refusal that concerns the partner's own
// sign-in stops the night, since every customer would fail the same way.
import path from 'node:path';
import { mapPool } from '../ingest/pool.js';
import { redact } from './redact.js';
import { TokenError } from './auth.js';
import { describeCallError, FailedCall, NightFailed, step } from './callErrors.js';
import { isPartnerWide, tokenFailure, type CollectFailure } from './failures.js';
import { collectGraph } from './graphUnit.js';
import { ContentError, getJson } from './http.js';
import type { Night } from './night.js';
import { planWork, type ListedCustomer, type RecordedFailure, type Unit } from './plan.js';
import { readDiskFacts, writeJsonAtomic } from './workDir.js';

function recordFailure(night: Night, c: ListedCustomer, unit: Unit, f: CollectFailure): void {
  const rec: RecordedFailure = { customerId: c.id, tenantId: c.tenantId, customerName: c.name, unit, ...f };
  writeJsonAtomic(path.join(night.paths.failures, `${unit}-${c.tenantId}.json`), rec);
  night.log.warn(
    { customer: c.name, tenant: c.tenantId, unit, code: f.code },
    redact(`not collected: ${f.reason}`),
  );
}

async function collectPartnerCenter(night: Night, c: ListedCustomer): Promise<void> {
  const url = `${night.pcBase}/v1/customers/${encodeURIComponent(c.id)}/subscriptions`;
  const answer = await step('pcSubscriptions', async () =>
    getJson(url, await night.pcHeaders(), night.policy),
  );
  const items = (answer.doc as { items?: unknown }).items;
  if (!Array.isArray(items)) throw new FailedCall('pcSubscriptions', new ContentError('no "items" list'));
  // Partner Center's Subscription carries no customer id; the drop's merged document needs one per item.
  const withCustomer = (items as Record<string, unknown>[]).map((item) =>
    'customerId' in item ? item : { id: item.id, customerId: c.id, ...item },
  );
  writeJsonAtomic(path.join(night.paths.partnerCenter, `${c.id.toLowerCase()}.json`), withCustomer);
}

/** The night-ending error a unit's failure stands for, if it concerns the partner rather than the customer. */
function partnerWideError(err: unknown, c: ListedCustomer): NightFailed | undefined {
  if (err instanceof NightFailed) return err;
  if (err instanceof TokenError && err.code !== undefined && isPartnerWide(err.code)) {
    const f = tokenFailure(err.code, c.name, err.error);
    return new NightFailed(`Microsoft refused the partner's token: ${f.reason}. ${f.action}`, f);
  }
  return undefined;
}

/** Fetches every unit still missing; throws the first partner-wide refusal once the running units are done. */
export async function collectCustomerUnits(
  night: Night,
  customers: readonly ListedCustomer[],
): Promise<void> {
  const work = planWork(customers, readDiskFacts(night.paths));
  let partnerWide: NightFailed | undefined;
  await mapPool(work, night.config.collect.concurrency, async ({ customer: c, units }) => {
    for (const unit of units) {
      if (partnerWide) return;
      try {
        if (unit === 'graph') await collectGraph(night, c);
        else await collectPartnerCenter(night, c);
        night.result.fetchedUnits++;
      } catch (err) {
        const stop = partnerWideError(err, c);
        if (stop) {
          partnerWide ??= stop;
          return;
        }
        const call = err instanceof FailedCall ? err.call : unit === 'graph' ? 'report' : 'pcSubscriptions';
        recordFailure(
          night,
          c,
          unit,
          describeCallError(err instanceof FailedCall ? err.cause : err, call, c.name),
        );
      }
    }
  });
  await night.broker.flush();
  if (partnerWide) throw partnerWide;
}

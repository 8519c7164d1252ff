// `collect`: fetches one night's drop from Microsoft Graph and Partner Center and writes the layout of DESIGN §2.
// The night goes in this order: the customer list (customerList.ts), the partner's licence analytics
// (partnerAnalytics.ts), the month's price files (priceLists.ts), each customer's Graph and Partner Center units
// (customerUnits.ts), then the merged files and manifest.json last (mergeNight.ts). Work state lives beside the
// drops (<exportsRoot>/.collect/<date>, workDir.ts), so that a killed run resumes with exactly what is missing and
// ends with the same bytes.
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { readAssignments } from './assignments.js';
import type { AuthSettings } from './auth.js';
import { collectCustomerUnits } from './customerUnits.js';
import { listCustomers } from './customerList.js';
import { mergeNight } from './mergeNight.js';
import { openNight, type CollectResult } from './night.js';
import { collectPartnerAnalytics } from './partnerAnalytics.js';
import { collectPriceLists } from './priceLists.js';
import { nightPaths, prepareNight } from './workDir.js';

export { writeCollectManifest } from './dropManifest.js';
export { retryPolicy, type CollectResult } from './night.js';

export interface CollectOptions {
  config: Config;
  auth: AuthSettings;
  log: Logger;
  date: string;
  exportsRoot: string;
  retryFailed?: boolean;
  force?: boolean;
  /** for tests of the clock-dependent parts */
  now?: () => number;
}

export async function collect(o: CollectOptions): Promise<CollectResult> {
  const started = Date.now();
  const paths = nightPaths(o.exportsRoot, o.date);
  const result: CollectResult = {
    date: o.date,
    dropDir: paths.drop,
    outcome: 'collected',
    customers: 0,
    fetchedUnits: 0,
    failures: [],
    unassigned: [],
    calls: 0,
    seconds: 0,
  };
  const finish = () => ({ ...result, seconds: (Date.now() - started) / 1000 });

  const early = prepareNight(paths, o);
  if (early) return { ...finish(), ...early };
  const night = openNight(o, paths, result);
  const assignments = readAssignments(o.config.collect.assignments);

  const customers = await listCustomers(night);
  result.customers = customers.length;
  await collectPartnerAnalytics(night);
  await collectPriceLists(night, o.date);
  await collectCustomerUnits(night, customers);

  Object.assign(result, mergeNight(paths, customers, assignments));
  return finish();
}

// Partner-level licence analytics (deployment and usage), every page, kept in the work folder until the night is
// merged. A failure is recorded against the partner, not a customer: the customers' own parts go on.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../deliver/files.js';
import { describeCallError, NightFailed } from './callErrors.js';
import type { Night } from './night.js';
import { fetchAllPages, listFileText } from './pages.js';
import type { RecordedFailure } from './plan.js';
import { writeJsonAtomic } from './workDir.js';

const SEGMENTS = [
  ['licenses-deployment.json', 'deployment'],
  ['licenses-usage.json', 'usage'],
] as const;

export async function collectPartnerAnalytics(night: Night): Promise<void> {
  const { paths, pcBase } = night;
  for (const [name, segment] of SEGMENTS) {
    const keep = path.join(paths.work, name);
    const failureFile = path.join(paths.failures, `analytics-${segment}.json`);
    if (existsSync(keep) || existsSync(failureFile)) continue;
    try {
      const pages = await fetchAllPages(
        `${pcBase}/partner/v1/analytics/commercial/${segment}/license?top=10000`,
        () => night.pcHeaders(),
        night.policy,
        {
          itemsKey: 'Value',
          nextKey: '@nextLink',
          noItems: 'no "Value" list in the analytics response',
          base: pcBase,
          relativeLinks: true,
        },
      );
      writeFileAtomic(keep, listFileText(pages, 'Value', [], { '@nextLink': null }));
      night.result.fetchedUnits++;
    } catch (err) {
      if (err instanceof NightFailed) throw err;
      const f = describeCallError(err, 'analytics', 'the partner');
      const rec: RecordedFailure = {
        customerId: night.partnerTenant,
        tenantId: night.partnerTenant,
        customerName: night.config.partner.name,
        unit: 'analytics',
        ...f,
      };
      writeJsonAtomic(failureFile, rec);
    }
  }
}

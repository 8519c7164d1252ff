// Covers src/ingest/sources/userReports.ts. Bad input, the Graph user reports (src/ingest/sources/userReports.ts):
// rows checked in staging, users counted once per tenant. Each case: a clear message naming the file (and the line
// and column where there is one), the rest of the drop still loaded, and what was set aside listed in the run report.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { DROP_DATE, T, rulesDrop } from './fixtures/rulesDrop.js';
import {
  MAIN_FILE,
  expectReported,
  mainReport,
  othersIntact,
  read,
  useBadInputDrop,
  userReport,
  usersPerCustomer,
} from './helpers/badInput.js';

const env = useBadInputDrop();

describe('src/ingest/sources/userReports.ts: bad input', () => {
  it('a header and no rows: loads nothing for that tenant and says so', async () => {
    const { ctx, drop } = env;
    writeFileSync(mainReport(drop), read(mainReport(drop)).split('\r\n')[0]! + '\r\n');
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'no_rows', { file: MAIN_FILE });
    expect((await usersPerCustomer(ctx))[T.main]).toBeUndefined();
    await othersIntact(ctx);
  });

  it('the same user in two tenants counts once in each tenant', async () => {
    const { ctx, drop } = env;
    const spec = rulesDrop();
    const shared = spec.tenants!.find((t) => t.tenantId === T.main)!.users![0]!;
    spec.tenants!.find((t) => t.tenantId === T.pcSubs)!.users!.push({ ...shared });
    writeDrop(drop, spec);
    rmSync(path.join(drop, 'manifest.json'));
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const rows = await ctx.wh.all(
      `SELECT customer_id, count(*)::INTEGER AS n FROM stg_user_activity WHERE user_key = lower($u) GROUP BY 1 ORDER BY 1`,
      { u: shared.upn },
    );
    expect(rows).toEqual([
      { customer_id: T.main, n: 1 },
      { customer_id: T.pcSubs, n: 1 },
    ]);
  });

  it('a last-activity date after the report date: kept, not counted as future use, and flagged', async () => {
    const { ctx, drop } = env;
    const lines = read(mainReport(drop)).split('\r\n');
    lines[1] = lines[1]!.replace(/,2026-10-26,/, ',2026-12-25,');
    writeFileSync(mainReport(drop), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => /after the report|future/i.test(i.message));
    expect(issue, JSON.stringify(s.issues)).toBeDefined();
    expect(issue!.file).toBe(MAIN_FILE);
  });

  it('a user listed twice in a report is counted once, the row with the newest activity kept', async () => {
    const { ctx, drop } = env;
    const file = userReport(drop, T.nothingSold);
    const lines = readFileSync(file, 'utf8').split('\r\n');
    // n2 (never active) appears again, this time active on 2026-11-21.
    const again = lines[2]!.split(',');
    again[11] = '2026-11-21';
    writeFileSync(file, [...lines.slice(0, 3), again.join(','), ...lines.slice(3)].join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.code === 'duplicate_user')).toMatchObject({
      file: `tenants/${T.nothingSold}/office365ActiveUserDetail.csv`,
      column: 'User Principal Name',
    });
    const [r] = await ctx.wh.all(
      `SELECT licenses_assigned, active_entitlements FROM adoption_daily WHERE customer_id = $c`,
      { c: T.nothingSold },
    );
    expect(r).toEqual({ licenses_assigned: 2, active_entitlements: 2 });
  });
});

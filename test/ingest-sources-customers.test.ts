// Covers src/ingest/sources/customers.ts. Bad input, customers.csv (src/ingest/sources/customers.ts): a list missing
// or with bad rows, and the drop still loads. Each case: a clear message naming the file (and the line and column
// where there is one), the rest of the drop still loaded, and what was set aside listed in the run report.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { DROP_DATE, T, rulesDrop } from './fixtures/rulesDrop.js';
import { customersWithRows, expectReported, read, useBadInputDrop } from './helpers/badInput.js';

const env = useBadInputDrop();

describe('src/ingest/sources/customers.ts: bad input', () => {
  it('a missing customers.csv is reported, and the drop loads against the previous customer list', async () => {
    const { ctx, dir } = env;
    // First a good day, then a day without customers.csv.
    const next = path.join(dir, 'exports', '2026-11-24');
    writeDrop(next, rulesDrop());
    rmSync(path.join(next, 'customers.csv'));
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const s = await ingest(ctx, { asOf: '2026-11-24', trigger: 'manual' });
    expect(s.outcome).toBe('loaded_with_issues');
    const issue = s.issues.find((i) => i.code === 'missing_customers')!;
    expect(issue.file).toBe('customers.csv');
    expect(issue.message).toMatch(/missing from the drop.*customer list of 2026-11-23 is used/);
    const r = await ctx.wh.all(
      `SELECT customer_name, owner_email FROM adoption_customer_daily WHERE snapshot_date = '2026-11-24' AND customer_id = $c`,
      { c: T.main },
    );
    expect(r).toEqual([{ customer_name: 'Main Rules Ltd', owner_email: 'am1@partner.example' }]);
  });

  it('a missing customers.csv with no earlier list still loads every tenant, without names', async () => {
    const { ctx, drop } = env;
    rmSync(path.join(drop, 'customers.csv'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.code === 'missing_customers')!.message).toMatch(/no earlier customer list/);
    expect(await customersWithRows(ctx)).toEqual([T.main, T.nothingSold, T.pcSubs].sort());
  });

  it('a customer_id that is not a GUID: that row of customers.csv is set aside with its line and column', async () => {
    const { ctx, drop } = env;
    const text = read(path.join(drop, 'customers.csv')).replace(T.nothingSold, 'not-a-guid');
    writeFileSync(path.join(drop, 'customers.csv'), text);
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'bad_row', { file: 'customers.csv', line: 3, column: 'customer_id' });
    const [n] = await ctx.wh.all(
      `SELECT count(*)::INTEGER AS n FROM stg_customers WHERE snapshot_date = $d::DATE`,
      {
        d: DROP_DATE,
      },
    );
    expect(n!.n).toBe(3);
  });
});

// Bad input: a clear message naming file, row and column, and the rest of the drop still loaded.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { tempDir, testContext } from './helpers/context.js';
import { DROP_DATE, SKU, T, rulesDrop } from './fixtures/rulesDrop.js';

let ctx: JobContext;
let dir: string;
let cleanup: () => void;
let drop: string;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  drop = path.join(dir, 'exports', DROP_DATE);
  writeDrop(drop, rulesDrop());
  // These tests damage files after the export; the manifest would set them aside whole (tested on its own below).
  rmSync(path.join(drop, 'manifest.json'));
  ctx = await testContext(dir);
});

afterEach(() => {
  ctx.wh.close();
  cleanup();
});

const userReport = (tenant: string) => path.join(drop, 'tenants', tenant, 'office365ActiveUserDetail.csv');

async function customersWithRows(): Promise<string[]> {
  const r = await ctx.wh.all(
    'SELECT DISTINCT customer_id FROM adoption_daily WHERE snapshot_date = $d::DATE ORDER BY 1',
    { d: DROP_DATE },
  );
  return r.map((x) => String(x.customer_id));
}

describe('bad input', () => {
  it('a missing customers.csv is reported, and the drop loads against the previous customer list', async () => {
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
    rmSync(path.join(drop, 'customers.csv'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.code === 'missing_customers')!.message).toMatch(/no earlier customer list/);
    expect(await customersWithRows()).toEqual([T.main, T.nothingSold, T.pcSubs].sort());
  });

  it('a user report missing a required column sets aside that tenant only, naming file and column', async () => {
    const file = userReport(T.main);
    const text = readFileSync(file, 'utf8').replace('Is Deleted,', 'Deleted?,');
    writeFileSync(file, text);
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => i.code === 'missing_column')!;
    expect(issue).toMatchObject({
      severity: 'error',
      file: `tenants/${T.main}/office365ActiveUserDetail.csv`,
      line: 1,
      column: 'Is Deleted',
    });
    expect(issue.message).toMatch(/required column "Is Deleted" missing; the file is set aside/);
    // The other tenants still have their rows; the aggregate customer too. Without its user report, Main is known
    // only through Partner Center analytics that day, so its numbers come from there (DESIGN.md §1.3).
    expect(await customersWithRows()).toEqual([T.main, T.nothingSold, T.aggregate, T.pcSubs].sort());
    const main = await ctx.wh.all(
      `SELECT source, licenses_sold, licenses_assigned FROM adoption_daily WHERE customer_id = $c`,
      { c: T.main },
    );
    expect(main).toEqual([{ source: 'partner_center', licenses_sold: 12, licenses_assigned: 6 }]);
    const [f] = await ctx.wh.all(`SELECT status FROM load_files WHERE path = $p`, { p: issue.file! });
    expect(f!.status).toBe('set_aside');
  });

  it('an unparseable date sets aside that row only, naming file, line and column', async () => {
    const file = userReport(T.main);
    const lines = readFileSync(file, 'utf8').split('\r\n');
    // Line 3 of the file is u2's row; give it an American date.
    lines[2] = lines[2]!.replace('2026-10-25', '10/25/2026');
    writeFileSync(file, lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => i.code === 'bad_row')!;
    expect(issue).toMatchObject({
      file: `tenants/${T.main}/office365ActiveUserDetail.csv`,
      line: 3,
      column: 'Exchange Last Activity Date',
    });
    expect(issue.message).toMatch(/"10\/25\/2026" is not a date \(YYYY-MM-DD\)/);
    const [e3] = await ctx.wh.all(
      `SELECT licenses_assigned, inactive FROM adoption_daily WHERE customer_id = $c AND sku_id = $s`,
      { c: T.main, s: SKU.E3 },
    );
    expect(e3).toEqual({ licenses_assigned: 6, inactive: 2 }); // u2 set aside, everyone else kept
    expect(s.rowsRejected).toBe(1);
  });

  it('a malformed JSON file sets aside that source only, naming the file and the line', async () => {
    writeFileSync(
      path.join(drop, 'tenants', T.main, 'subscriptions.json'),
      '{"value": [ {"skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965",\n  "status": }',
    );
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => i.code === 'bad_json')!;
    expect(issue).toMatchObject({ severity: 'error', file: `tenants/${T.main}/subscriptions.json`, line: 2 });
    expect(issue.message).toMatch(/not valid JSON/);
    // The tenant's users still load: without subscriptions it has nothing sold.
    const [e3] = await ctx.wh.all(
      `SELECT licenses_sold, licenses_assigned FROM adoption_daily WHERE customer_id = $c AND sku_id = $s`,
      { c: T.main, s: SKU.E3 },
    );
    expect(e3).toEqual({ licenses_sold: 0, licenses_assigned: 7 });
  });

  it('JSON of the wrong shape, and an item with a bad value, are reported by JSON path', async () => {
    writeFileSync(path.join(drop, 'partner-center', 'licenses-usage.json'), JSON.stringify({ rows: [] }));
    const subs = JSON.parse(readFileSync(path.join(drop, 'tenants', T.main, 'subscriptions.json'), 'utf8'));
    subs.value[2].totalLicenses = -3;
    writeFileSync(path.join(drop, 'tenants', T.main, 'subscriptions.json'), JSON.stringify(subs));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.code === 'json_shape')).toMatchObject({
      file: 'partner-center/licenses-usage.json',
    });
    expect(s.issues.find((i) => i.code === 'bad_value')).toMatchObject({
      file: `tenants/${T.main}/subscriptions.json`,
      column: 'value[2].totalLicenses',
    });
  });

  it('a tenant folder missing from customers.csv is set aside and reported', async () => {
    const stranger = 'deadbeef-0000-4000-8000-000000000009';
    const spec = rulesDrop();
    writeDrop(path.join(dir, 'stranger'), { tenants: [{ ...spec.tenants[0]!, tenantId: stranger }] });
    const { renameSync } = await import('node:fs');
    renameSync(path.join(dir, 'stranger', 'tenants', stranger), path.join(drop, 'tenants', stranger));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.code === 'unknown_tenant')).toMatchObject({ customerId: stranger });
    expect(await customersWithRows()).not.toContain(stranger);
  });

  it('a missing drop folder is a clear error, recorded as a failed run', async () => {
    await expect(ingest(ctx, { asOf: '2026-01-01', trigger: 'manual' })).rejects.toThrow(
      /no drop for 2026-01-01: the folder .* does not exist/,
    );
    const [run] = await ctx.wh.all(
      `SELECT state, error FROM runs WHERE job = 'ingest' ORDER BY started_at DESC LIMIT 1`,
    );
    expect(run!.state).toBe('failed');
  });

  it('unknown columns are kept aside, columns may come in any order, and BOM + CRLF + quoted commas are read', async () => {
    const file = userReport(T.nothingSold);
    const header =
      'Assigned Products,User Principal Name,Report Refresh Date,Is Deleted,Exchange Last Activity Date,Brand New Column\r\n';
    const body =
      '"OFFICE 365 E3",n1@ns.example,2026-11-22,False,2026-11-20,"a, b"\r\n"OFFICE 365 E3",n2@ns.example,2026-11-22,FALSE,,x\r\n';
    writeFileSync(file, `\uFEFF${header}${body}`);
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const users = await ctx.wh.all(
      `SELECT user_key, extras FROM stg_user_activity WHERE customer_id = $c ORDER BY 1`,
      { c: T.nothingSold },
    );
    expect(users.map((u) => u.user_key)).toEqual(['n1@ns.example', 'n2@ns.example']);
    expect(JSON.parse(String(users[0]!.extras))).toEqual({ 'Brand New Column': 'a, b' });
    const [r] = await ctx.wh.all(
      `SELECT active_entitlements, licenses_assigned FROM adoption_daily WHERE customer_id = $c`,
      { c: T.nothingSold },
    );
    expect(r).toEqual({ active_entitlements: 1, licenses_assigned: 2 });
  });

  it('a user listed twice in a report is counted once, the row with the newest activity kept', async () => {
    const file = userReport(T.nothingSold);
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

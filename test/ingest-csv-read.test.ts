// Covers src/ingest/csvRead.ts, src/ingest/csvLayout.ts. Bad input, reading CSV exports (src/ingest/csvRead.ts, through the user report and
// customers.csv): a bad row set aside with its line and column, a bad file with its reason, any layout, delimiter and
// encoding read as it is. Each case: a clear message naming the file (and the line and column where there is one),
// the rest of the drop still loaded, and what was set aside listed in the run report.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { DROP_DATE, SKU, T } from './fixtures/rulesDrop.js';
import {
  MAIN_FILE,
  customersWithRows,
  expectReported,
  mainReport,
  othersIntact,
  read,
  useBadInputDrop,
  userReport,
  usersPerCustomer,
} from './helpers/badInput.js';

const env = useBadInputDrop();

describe('src/ingest/csvRead.ts: bad input', () => {
  it('a user report missing a required column sets aside that tenant only, naming file and column', async () => {
    const { ctx, drop } = env;
    const file = userReport(drop, T.main);
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
    expect(await customersWithRows(ctx)).toEqual([T.main, T.nothingSold, T.aggregate, T.pcSubs].sort());
    const main = await ctx.wh.all(
      `SELECT source, licenses_sold, licenses_assigned FROM adoption_daily WHERE customer_id = $c`,
      { c: T.main },
    );
    expect(main).toEqual([{ source: 'partner_center', licenses_sold: 12, licenses_assigned: 6 }]);
    const [f] = await ctx.wh.all(`SELECT status FROM load_files WHERE path = $p`, { p: issue.file! });
    expect(f!.status).toBe('set_aside');
  });

  it('an unparseable date sets aside that row only, naming file, line and column', async () => {
    const { ctx, drop } = env;
    const file = userReport(drop, T.main);
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

  it('unknown columns are kept aside, columns may come in any order, and BOM + CRLF + quoted commas are read', async () => {
    const { ctx, drop } = env;
    const file = userReport(drop, T.nothingSold);
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

  it('an empty file: the file is named and set aside, the rest loads', async () => {
    const { ctx, drop } = env;
    writeFileSync(mainReport(drop), '');
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'unreadable_csv', { file: MAIN_FILE });
    expect(issue.message).toMatch(/is empty .*set aside/);
    await othersIntact(ctx);
  });

  it('a truncated last line: that row is set aside with its line, the rows before it load', async () => {
    const { ctx, drop } = env;
    const lines = read(mainReport(drop)).replace(/\r\n$/, '').split('\r\n');
    const last = lines.length;
    lines[last - 1] = lines[last - 1]!.slice(0, 30);
    writeFileSync(mainReport(drop), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'bad_row', { file: MAIN_FILE, line: last });
    expect((await usersPerCustomer(ctx))[T.main]).toBe(last - 2);
    await othersIntact(ctx);
  });

  it('a file cut in the middle of a quoted field: the broken row is set aside, the rows before it load', async () => {
    const { ctx, drop } = env;
    const lines = read(mainReport(drop)).replace(/\r\n$/, '').split('\r\n');
    const n = lines.length;
    lines[n - 1] = `"${lines[n - 1]!.slice(0, 12)}`; // opens a quote and ends
    writeFileSync(mainReport(drop), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => i.file === MAIN_FILE && i.severity === 'error');
    expect(issue, JSON.stringify(s.issues)).toBeDefined();
    expect(issue!.line).toBeGreaterThanOrEqual(n - 1);
    expect((await usersPerCustomer(ctx))[T.main]).toBeGreaterThanOrEqual(n - 3);
    await othersIntact(ctx);
  });

  it("a ';'-delimited file (a European Excel's CSV) is read as it is", async () => {
    const { ctx, drop } = env;
    const before = read(mainReport(drop));
    writeFileSync(mainReport(drop), before.replace(/,/g, ';'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.filter((i) => i.file === MAIN_FILE && i.severity === 'error')).toEqual([]);
    expect((await usersPerCustomer(ctx))[T.main]).toBe(before.trim().split('\r\n').length - 1);
  });

  it('a UTF-16 file with a BOM (Excel\'s "Unicode text") is read as it is', async () => {
    const { ctx, drop } = env;
    const before = read(mainReport(drop));
    writeFileSync(
      mainReport(drop),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(before, 'utf16le')]),
    );
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.filter((i) => i.file === MAIN_FILE && i.severity === 'error')).toEqual([]);
    expect((await usersPerCustomer(ctx))[T.main]).toBe(before.trim().split('\r\n').length - 1);
  });

  it('Latin-1 bytes in a UTF-8 file: that row is set aside naming its line; the other rows load', async () => {
    const { ctx, drop } = env;
    const text = read(path.join(drop, 'customers.csv')).replace('Main Rules Ltd', 'Main Rüles Ltd');
    writeFileSync(path.join(drop, 'customers.csv'), Buffer.from(text, 'latin1'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'bad_row', { file: 'customers.csv', line: 2 });
    expect(issue.message).toMatch(/not UTF-8 \(Latin-1\?\)/);
    const names = await ctx.wh.all(
      `SELECT customer_id FROM stg_customers WHERE snapshot_date = $d::DATE ORDER BY 1`,
      {
        d: DROP_DATE,
      },
    );
    expect(names.map((n) => n.customer_id)).toEqual([T.nothingSold, T.aggregate, T.pcSubs].sort());
    await othersIntact(ctx);
  });

  it('duplicate header names: a column this job reads, named twice, sets the file aside naming it; the rest loads', async () => {
    const { ctx, drop } = env;
    const lines = read(mainReport(drop)).replace(/\r\n$/, '').split('\r\n');
    writeFileSync(
      mainReport(drop),
      lines.map((l, i) => `${l},${i === 0 ? 'Is Deleted' : 'True'}`).join('\r\n'),
    );
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'duplicate_column', { file: MAIN_FILE, line: 1, column: 'Is Deleted' });
    expect(issue.message).toMatch(
      /names column "Is Deleted" twice \(positions 4 and 25\); the file is set aside/,
    );
    await othersIntact(ctx);
  });

  it('duplicate header names of a column this job does not read are harmless', async () => {
    const { ctx, drop } = env;
    const lines = read(mainReport(drop)).replace(/\r\n$/, '').split('\r\n');
    writeFileSync(
      mainReport(drop),
      lines.map((l, i) => `${l},${i === 0 ? 'Display Name' : 'x'}`).join('\r\n'),
    );
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.filter((i) => i.file === MAIN_FILE && i.severity === 'error')).toEqual([]);
    expect((await usersPerCustomer(ctx))[T.main]).toBe(lines.length - 1);
  });

  it('a date as 11/23/2026 or an impossible 2026-02-30: that row is set aside, naming line and column', async () => {
    const { ctx, drop } = env;
    const lines = read(mainReport(drop)).split('\r\n');
    lines[1] = lines[1]!.replace(/2026-\d\d-\d\d/, '11/23/2026');
    lines[2] = lines[2]!.replace(/2026-\d\d-\d\d/, '2026-02-30');
    writeFileSync(mainReport(drop), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const bad = s.issues.filter((i) => i.code === 'bad_row' && i.file === MAIN_FILE);
    expect(bad.map((i) => i.line).sort()).toEqual([2, 3]);
    expect(bad.map((i) => i.message).join(' ')).toMatch(/"11\/23\/2026" is not a date/);
    expect(bad.map((i) => i.message).join(' ')).toMatch(/"2026-02-30" is not a date/);
    await othersIntact(ctx);
  });

  it('True/true/TRUE/1 all read as true, False/0 as false', async () => {
    const { ctx, drop } = env;
    const lines = read(mainReport(drop)).split('\r\n');
    const header = lines[0]!.split(',');
    const col = header.indexOf('Is Deleted');
    const variants: [string, boolean][] = [
      ['True', true],
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['False', false],
      ['0', false],
    ];
    const expected: Record<string, boolean> = {};
    for (const [i, [text, value]] of variants.entries()) {
      const f = lines[i + 1]!.split(',');
      f[col] = text;
      expected[f[1]!.toLowerCase()] = value;
      lines[i + 1] = f.join(',');
    }
    writeFileSync(mainReport(drop), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.filter((i) => i.file === MAIN_FILE && i.severity === 'error')).toEqual([]);
    const rows = await ctx.wh.all(
      `SELECT user_key, is_deleted FROM stg_user_activity WHERE customer_id = $c`,
      {
        c: T.main,
      },
    );
    const got = Object.fromEntries(
      rows.filter((r) => String(r.user_key) in expected).map((r) => [r.user_key, r.is_deleted]),
    );
    expect(got).toEqual(expected);
  });
});

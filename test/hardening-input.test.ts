// Issue #7, bad input: one named test per case. Each: a clear message naming the file (and the line and column
// where there is one), the rest of the drop still loaded, and what was set aside listed in the run report.
import { mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, type IngestSummary } from '../jobs/ingest.js';
import type { JobContext } from '../src/context.js';
import { writeDrop, writeManifest } from '../src/demo/writeDrop.js';
import { describeIssue } from '../src/ingest/issues.js';
import { formatIngestReport } from '../src/ingest/report.js';
import { DROP_DATE, T, rulesDrop } from './fixtures/rulesDrop.js';
import { runCli } from './helpers/cli.js';
import { tempDir, testContext } from './helpers/context.js';

let dir: string;
let cleanup: () => void;
let drop: string;
let ctx: JobContext;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  drop = path.join(dir, 'exports', DROP_DATE);
  writeDrop(drop, rulesDrop());
  rmSync(path.join(drop, 'manifest.json')); // these cases damage files after the export; manifests are tested below
  ctx = await testContext(dir);
});
afterEach(() => {
  ctx.wh.close();
  cleanup();
});

const mainReport = () => path.join(drop, 'tenants', T.main, 'office365ActiveUserDetail.csv');
const MAIN_FILE = `tenants/${T.main}/office365ActiveUserDetail.csv`;
const read = (f: string) => readFileSync(f, 'utf8');

/** Rows loaded per customer from the Graph user reports. */
async function usersPerCustomer(): Promise<Record<string, number>> {
  const rows = await ctx.wh.all(
    `SELECT customer_id, count(*)::INTEGER AS n FROM stg_user_activity WHERE snapshot_date = $d::DATE GROUP BY 1 ORDER BY 1`,
    { d: DROP_DATE },
  );
  return Object.fromEntries(rows.map((r) => [String(r.customer_id), Number(r.n)]));
}

/** The other tenants' user rows are all there: the damage stayed where it was. */
async function othersIntact(): Promise<void> {
  const u = await usersPerCustomer();
  expect(u[T.nothingSold]).toBeGreaterThan(0);
  expect(u[T.pcSubs]).toBeGreaterThan(0);
}

function expectReported(
  s: IngestSummary,
  code: string,
  where: { file?: string; line?: number; column?: string },
) {
  const issue = s.issues.find((i) => i.code === code && (!where.file || i.file === where.file));
  expect(issue, `no ${code} issue in ${JSON.stringify(s.issues, null, 1)}`).toBeDefined();
  expect(issue).toMatchObject(where);
  // and the run report a person reads names it too
  expect(formatIngestReport(s)).toContain(describeIssue(issue!).slice(0, 60));
  return issue!;
}

describe('bad input: CSV files', () => {
  it('an empty file: the file is named and set aside, the rest loads', async () => {
    writeFileSync(mainReport(), '');
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'unreadable_csv', { file: MAIN_FILE });
    expect(issue.message).toMatch(/is empty .*set aside/);
    await othersIntact();
  });

  it('a header and no rows: loads nothing for that tenant and says so', async () => {
    writeFileSync(mainReport(), read(mainReport()).split('\r\n')[0]! + '\r\n');
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'no_rows', { file: MAIN_FILE });
    expect((await usersPerCustomer())[T.main]).toBeUndefined();
    await othersIntact();
  });

  it('a truncated last line: that row is set aside with its line, the rows before it load', async () => {
    const lines = read(mainReport()).replace(/\r\n$/, '').split('\r\n');
    const last = lines.length;
    lines[last - 1] = lines[last - 1]!.slice(0, 30);
    writeFileSync(mainReport(), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'bad_row', { file: MAIN_FILE, line: last });
    expect((await usersPerCustomer())[T.main]).toBe(last - 2);
    await othersIntact();
  });

  it('a file cut in the middle of a quoted field: the broken row is set aside, the rows before it load', async () => {
    const lines = read(mainReport()).replace(/\r\n$/, '').split('\r\n');
    const n = lines.length;
    lines[n - 1] = `"${lines[n - 1]!.slice(0, 12)}`; // opens a quote and ends
    writeFileSync(mainReport(), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => i.file === MAIN_FILE && i.severity === 'error');
    expect(issue, JSON.stringify(s.issues)).toBeDefined();
    expect(issue!.line).toBeGreaterThanOrEqual(n - 1);
    expect((await usersPerCustomer())[T.main]).toBeGreaterThanOrEqual(n - 3);
    await othersIntact();
  });

  it("a ';'-delimited file (a European Excel's CSV) is read as it is", async () => {
    const before = read(mainReport());
    writeFileSync(mainReport(), before.replace(/,/g, ';'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.filter((i) => i.file === MAIN_FILE && i.severity === 'error')).toEqual([]);
    expect((await usersPerCustomer())[T.main]).toBe(before.trim().split('\r\n').length - 1);
  });

  it('a UTF-16 file with a BOM (Excel\'s "Unicode text") is read as it is', async () => {
    const before = read(mainReport());
    writeFileSync(mainReport(), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(before, 'utf16le')]));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.filter((i) => i.file === MAIN_FILE && i.severity === 'error')).toEqual([]);
    expect((await usersPerCustomer())[T.main]).toBe(before.trim().split('\r\n').length - 1);
  });

  it('Latin-1 bytes in a UTF-8 file: that row is set aside naming its line; the other rows load', async () => {
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
    await othersIntact();
  });

  it('duplicate header names: a column this job reads, named twice, sets the file aside naming it; the rest loads', async () => {
    const lines = read(mainReport()).replace(/\r\n$/, '').split('\r\n');
    writeFileSync(mainReport(), lines.map((l, i) => `${l},${i === 0 ? 'Is Deleted' : 'True'}`).join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'duplicate_column', { file: MAIN_FILE, line: 1, column: 'Is Deleted' });
    expect(issue.message).toMatch(
      /names column "Is Deleted" twice \(positions 4 and 25\); the file is set aside/,
    );
    await othersIntact();
  });

  it('duplicate header names of a column this job does not read are harmless', async () => {
    const lines = read(mainReport()).replace(/\r\n$/, '').split('\r\n');
    writeFileSync(mainReport(), lines.map((l, i) => `${l},${i === 0 ? 'Display Name' : 'x'}`).join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.filter((i) => i.file === MAIN_FILE && i.severity === 'error')).toEqual([]);
    expect((await usersPerCustomer())[T.main]).toBe(lines.length - 1);
  });

  it('the same user in two tenants counts once in each tenant', async () => {
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

  it('a customer_id that is not a GUID: that row of customers.csv is set aside with its line and column', async () => {
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

  it('a date as 11/23/2026 or an impossible 2026-02-30: that row is set aside, naming line and column', async () => {
    const lines = read(mainReport()).split('\r\n');
    lines[1] = lines[1]!.replace(/2026-\d\d-\d\d/, '11/23/2026');
    lines[2] = lines[2]!.replace(/2026-\d\d-\d\d/, '2026-02-30');
    writeFileSync(mainReport(), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const bad = s.issues.filter((i) => i.code === 'bad_row' && i.file === MAIN_FILE);
    expect(bad.map((i) => i.line).sort()).toEqual([2, 3]);
    expect(bad.map((i) => i.message).join(' ')).toMatch(/"11\/23\/2026" is not a date/);
    expect(bad.map((i) => i.message).join(' ')).toMatch(/"2026-02-30" is not a date/);
    await othersIntact();
  });

  it('a last-activity date after the report date: kept, not counted as future use, and flagged', async () => {
    const lines = read(mainReport()).split('\r\n');
    lines[1] = lines[1]!.replace(/,2026-10-26,/, ',2026-12-25,');
    writeFileSync(mainReport(), lines.join('\r\n'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => /after the report|future/i.test(i.message));
    expect(issue, JSON.stringify(s.issues)).toBeDefined();
    expect(issue!.file).toBe(MAIN_FILE);
  });

  it('True/true/TRUE/1 all read as true, False/0 as false', async () => {
    const lines = read(mainReport()).split('\r\n');
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
    writeFileSync(mainReport(), lines.join('\r\n'));
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

describe('bad input: JSON, folders and the drop', () => {
  it('negative or non-numeric licence counts are set aside by JSON path; the rest loads', async () => {
    const f = path.join(drop, 'tenants', T.main, 'subscriptions.json');
    const doc = JSON.parse(read(f)) as { value: Record<string, unknown>[] };
    doc.value[0]!.totalLicenses = -5;
    if (doc.value[1]) doc.value[1].totalLicenses = 'lots';
    writeFileSync(f, JSON.stringify(doc));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issues = s.issues.filter((i) => i.file === `tenants/${T.main}/subscriptions.json`);
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues.map((i) => i.column)).toContain('value[0].totalLicenses');
    await othersIntact();
  });

  it('{"Value": []} with @nextLink set (paging not finished) is flagged, naming the file', async () => {
    const f = path.join(drop, 'partner-center', 'licenses-deployment.json');
    const doc = JSON.parse(read(f)) as Record<string, unknown>;
    doc['@nextLink'] =
      'https://api.partnercenter.microsoft.com/partner/v1/analytics/commercial/deployment/license?$skip=100';
    writeFileSync(f, JSON.stringify(doc));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'paging_unfinished', {
      file: 'partner-center/licenses-deployment.json',
      column: '@nextLink',
    });
    expect(issue.message).toMatch(/next-page link: .* incomplete/);
  });

  it('a customer in customers.csv with no tenant data: listed, reported, the rest loads', async () => {
    const extra = 'b0000000-0000-4000-8000-00000000000e';
    writeFileSync(
      path.join(drop, 'customers.csv'),
      `${read(path.join(drop, 'customers.csv')).replace(/\r?\n$/, '')}\r\n${extra},Ghost Ltd,am1@partner.example,en,\r\n`, // and a CRLF in a LF file
    );
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = s.issues.find((i) => i.customerId === extra || i.message.includes(extra));
    expect(issue, JSON.stringify(s.issues)).toBeDefined();
    await othersIntact();
  });

  it('a manifest whose sha256 disagrees with a file: that file is set aside, naming it; the rest loads', async () => {
    writeManifest(drop);
    writeFileSync(mainReport(), read(mainReport()).replace('u1@main', 'u1@mian')); // same size, other bytes
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'manifest_mismatch', { file: MAIN_FILE });
    expect(issue.message).toMatch(/sha256 .*manifest\.json says/);
    expect((await usersPerCustomer())[T.main]).toBeUndefined();
    await othersIntact();
    const [f] = await ctx.wh.all(`SELECT status FROM load_files WHERE path = $p`, { p: MAIN_FILE });
    expect(f!.status).toBe('set_aside');
  });

  it('a manifest whose row count disagrees with a file: that file is set aside, naming both counts', async () => {
    writeManifest(drop);
    const m = JSON.parse(read(path.join(drop, 'manifest.json'))) as {
      files: { path: string; rows?: number; sha256?: string; bytes?: number }[];
    };
    const entry = m.files.find((f) => f.path === MAIN_FILE)!;
    const real = entry.rows!;
    entry.rows = real + 1;
    writeFileSync(path.join(drop, 'manifest.json'), JSON.stringify(m));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issue = expectReported(s, 'manifest_mismatch', { file: MAIN_FILE });
    expect(issue.message).toContain(`has ${real} data rows; manifest.json says ${real + 1}`);
    await othersIntact();
  });

  it('a file the manifest lists but the drop lacks is reported', async () => {
    writeManifest(drop);
    rmSync(path.join(drop, 'tenants', T.pcSubs, 'office365ActiveUserDetail.csv'));
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'manifest_missing_file', { file: `tenants/${T.pcSubs}/office365ActiveUserDetail.csv` });
  });

  it('a symbolic link pointing outside the drop is not followed, and is named', async () => {
    const secret = path.join(dir, 'secret.csv');
    writeFileSync(secret, 'not for you\n');
    rmSync(mainReport());
    symlinkSync(secret, mainReport());
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expectReported(s, 'symlink_outside_drop', { file: MAIN_FILE });
    await othersIntact();
  });

  it('a 2 GB file where 2 MB was expected is refused from its size, before any of it is read', async () => {
    ctx.config.ingest.maxFileBytes = 2 * 1024 * 1024;
    rmSync(mainReport());
    writeFileSync(mainReport(), '');
    truncateSync(mainReport(), 2 * 1024 ** 3); // sparse: 2 GB that takes no disk
    const started = Date.now();
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(Date.now() - started).toBeLessThan(15_000);
    const issue = expectReported(s, 'file_too_large', { file: MAIN_FILE });
    expect(issue.message).toMatch(/is 2147483648 bytes, over the limit of 2097152 \(ingest\.maxFileBytes\)/);
    await othersIntact();
  });

  it('a drop with no loadable row at all fails the run and keeps what the warehouse had for the date', async () => {
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const before = await usersPerCustomer();
    rmSync(drop, { recursive: true });
    mkdirSync(drop, { recursive: true });
    writeFileSync(path.join(drop, 'customers.csv'), 'customer_id,customer_name,owner_email\n');
    await expect(ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' })).rejects.toThrow(
      /the drop of 2026-11-23 has no row that could be loaded/,
    );
    expect(await usersPerCustomer()).toEqual(before);
    const runs = await ctx.wh.all(`SELECT state, error FROM runs WHERE job = 'ingest' ORDER BY started_at`);
    expect(runs.map((r) => r.state)).toEqual(['succeeded', 'failed']);
  });

  it('a drop folder dated in the future is refused', () => {
    mkdirSync(path.join(dir, 'exports', '2099-01-01'), { recursive: true });
    const r = runCli([
      'ingest',
      '--date',
      '2099-01-01',
      '--exports',
      path.join(dir, 'exports'),
      '--db',
      path.join(dir, 'x.duckdb'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--date 2099-01-01 is in the future/);
  });

  it('JSON that is not JSON names the file and line; the rest loads', async () => {
    writeFileSync(path.join(drop, 'tenants', T.main, 'subscribedSkus.json'), '{"value": [ {"skuId": ');
    const s = await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    expect(s.issues.find((i) => i.file === `tenants/${T.main}/subscribedSkus.json`)?.severity).toBe('error');
    await othersIntact();
  });
});

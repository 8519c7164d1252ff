// Covers cli/, jobs/ingest.ts, jobs/export.ts, jobs/backfill.ts. `adoption` as its user runs it, a child process:
// --help, one-line errors without a stack trace, configuration problems by key, ingest with its run report, export in
// every format, backfill (dry run first) and status.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDrop } from '../src/demo/writeDrop.js';
import { runCli } from './helpers/cli.js';
import { PARTNER, tempDir } from './helpers/context.js';
import { DROP_DATE, rulesDrop } from './fixtures/rulesDrop.js';

let dir: string;
let cleanup: () => void;
let common: string[];

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  writeDrop(path.join(dir, 'exports', DROP_DATE), rulesDrop());
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ partner: { tenantId: PARTNER } }));
  common = ['--config', path.join(dir, 'config.json'), '--db', path.join(dir, 'wh.duckdb')];
});
afterAll(() => cleanup());

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

describe('adoption CLI', () => {
  it('explains itself with --help, for the program and every command', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['ingest', 'export', 'compact', 'demo']) expect(top.stdout).toContain(cmd);
    const ing = runCli(['ingest', '--help']);
    expect(ing.stdout).toMatch(/--date <YYYY-MM-DD>/);
    expect(ing.stdout).toMatch(/--exports <dir>/);
  });

  it('rejects a bad date in one line, without a stack trace', () => {
    const r = runCli(['ingest', '--date', '2026-02-30']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/"2026-02-30" is not a date as YYYY-MM-DD/);
    noStack(r.stderr);
  });

  it('lists every configuration problem by key', () => {
    writeFileSync(
      path.join(dir, 'bad.json'),
      JSON.stringify({ partner: { tenantId: 'x' }, defaults: { locale: 'fr' } }),
    );
    const r = runCli(['ingest', '--date', DROP_DATE, '--config', path.join(dir, 'bad.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('partner.tenantId: must be a GUID');
    expect(r.stderr).toContain('defaults.locale');
    noStack(r.stderr);
  });

  it('says clearly when the drop is missing, with a non-zero exit code', () => {
    const r = runCli(['ingest', '--date', '2026-01-05', '--exports', path.join(dir, 'exports'), ...common]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^adoption: no drop for 2026-01-05: the folder .* does not exist$/);
  });

  it('refuses a drop dated in the future', () => {
    const r = runCli(['ingest', '--date', '2999-01-01', ...common]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is in the future/);
  });

  it('ingests a drop, prints its run report, and exports every format', async () => {
    const ing = runCli(['ingest', '--date', DROP_DATE, '--exports', path.join(dir, 'exports'), ...common]);
    expect(ing.stderr).toBe('');
    expect(ing.code).toBe(0);
    expect(ing.stdout).toMatch(/2026-11-23: loaded from .* in/);
    expect(ing.stdout).toMatch(/metrics: 7 customer × product rows for 4 customers/);
    expect(ing.stdout).toMatch(/free\/viral SKUs ignored: POWER_BI_STANDARD ×3/);

    const csv = path.join(dir, 'out', 'daily.csv');
    expect(
      runCli([
        'export',
        '--date',
        DROP_DATE,
        '--table',
        'adoption_daily',
        '--format',
        'csv',
        '--out',
        csv,
        ...common,
      ]).code,
    ).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    // The customer's and product's names beside their ids (issue #14).
    expect(lines[0]).toMatch(
      /^snapshot_date,customer_id,customer_name,sku_id,product,part_number,as_of_date,source,licenses_sold,licenses_sold_own,licenses_assigned,deployment_pct/,
    );
    expect(lines).toHaveLength(8); // header + main ×4, nothing sold, aggregate, PC subs

    const json = path.join(dir, 'out', 'customers.json');
    expect(
      runCli([
        'export',
        '--date',
        DROP_DATE,
        '--table',
        'adoption_customer_daily',
        '--format',
        'json',
        '--out',
        json,
        ...common,
      ]).code,
    ).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toHaveLength(4);

    const parquet = path.join(dir, 'out', 'workloads.parquet');
    expect(
      runCli([
        'export',
        '--date',
        DROP_DATE,
        '--table',
        'adoption_workload_daily',
        '--format',
        'parquet',
        '--out',
        parquet,
        ...common,
      ]).code,
    ).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const r = await con.runAndReadAll('SELECT count(*)::INTEGER AS n FROM read_parquet($p)', { p: parquet });
    // main 4+1+4+4, nothing sold 4, PC subs 4, aggregate 2: Skype for Business is retired (DESIGN.md §3), no row
    expect(r.getRowObjectsJson()[0]!.n).toBe(23);
    con.closeSync();
    db.closeSync();
  });

  it('says when there is nothing to export for a date', () => {
    const r = runCli(['export', '--date', '2026-01-01', '--out', path.join(dir, 'x.csv'), ...common]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/adoption_daily has no rows for 2026-01-01/);
  });

  it('backfills a range with --dry-run first, then for real, and reports status', () => {
    const args = [
      '--from',
      '2026-11-20',
      '--to',
      DROP_DATE,
      '--exports',
      path.join(dir, 'exports'),
      ...common,
      '--db',
      path.join(dir, 'bf.duckdb'),
    ];
    const dry = runCli(['backfill', ...args, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect(dry.stdout).toMatch(/2026-11-20\s+no_drop\s+no drop folder/);
    expect(dry.stdout).toMatch(/2026-11-23\s+load\s+never loaded/);
    expect(dry.stdout).toContain(
      'would load 1 new and reload 0 changed drop(s); kept 0; 3 date(s) have no drop',
    );

    const real = runCli(['backfill', ...args]);
    expect(real.code).toBe(0);
    expect(real.stderr).toContain('backfill: 1/1 2026-11-23'); // plain progress lines when not on a terminal
    expect(real.stdout).toMatch(/metrics recomputed for 2026-11-23 … 2026-11-23/);

    const compact = runCli(['compact', ...common, '--db', path.join(dir, 'bf.duckdb')]);
    expect(compact.code).toBe(0);
    expect(compact.stdout).toMatch(/^warehouse compacted in \d+\.\d s \(row groups merged\)/);

    const st = runCli(['status', ...common, '--db', path.join(dir, 'bf.duckdb')]);
    expect(st.code).toBe(0);
    expect(st.stdout).toContain('dates loaded: 1, 2026-11-23');
    expect(st.stdout).toMatch(/backfill\s+backfill .* succeeded/);
    expect(st.stdout).toMatch(
      /^last compacted: \d{4}-\d\d-\d\d \d\d:\d\d \(.+\), by `adoption compact`, in [\d.]+ s$/m,
    );
  });

  it('refuses a backfill range that runs backwards', () => {
    const r = runCli(['backfill', '--from', '2026-11-23', '--to', '2026-11-01', ...common]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('adoption: --from 2026-11-23 is after --to 2026-11-01');
  });
});

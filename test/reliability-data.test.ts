// Covers src/ingest/values.ts, src/deliver/csvSafe.ts, jobs/export.ts. Issue #16, no way in through the data: an
// owner_email that is not exactly one address is refused at ingest with its file, line and column (one rule,
// src/ingest/values.ts); CSV and JSON exports are safe to open in a spreadsheet (--raw for machines); a killed export
// leaves no temporary file behind on the next run.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportTable } from '../jobs/export.js';
import { ingest } from '../jobs/ingest.js';
import { sendDigests } from '../jobs/digest.js';
import type { JobContext } from '../src/context.js';
import { spreadsheetSafe } from '../src/deliver/csvSafe.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { checkEmailAddress } from '../src/ingest/values.js';
import { DROP_DATE, T, rulesDrop } from './fixtures/rulesDrop.js';
import { runCli } from './helpers/cli.js';
import { tempDir, testContext } from './helpers/context.js';

describe('the address rule', () => {
  it('accepts exactly one plain address, lower-cased, and nothing else', () => {
    for (const [raw, address] of [
      ['am1@partner.example', 'am1@partner.example'],
      ['  AM1@Partner.Example\t', 'am1@partner.example'],
      ["ana.o'brien+digest@partner.example", "ana.o'brien+digest@partner.example"],
    ])
      expect(checkEmailAddress(raw!), raw).toEqual({ ok: true, address });
    for (const [raw, why] of [
      ['a,b@partner.example', /more than one address/],
      ['a@partner.example, b@partner.example', /more than one address|whitespace/],
      ['a@partner.example;b@partner.example', /more than one address/],
      ['team: b@partner.example;', /whitespace|more than one|group/],
      ['team:b@partner.example', /group/],
      ['Ana <a@partner.example>', /whitespace|display-name/],
      ['Ana<a@partner.example>', /display-name/],
      ['<a@partner.example>', /display-name/],
      ['a@partner.example(comment)', /comment/],
      ['a@partner.example (c)', /whitespace|comment/],
      ['"a b"@partner.example', /whitespace|quoted/],
      ['"ab"@partner.example', /quoted/],
      ['a @partner.example', /whitespace/],
      ['a@partner.example\u200b', /invisible/],
      ['a\u00a0@partner.example', /invisible/],
      ['a@partner.example\r\nBcc: e@evil.example', /whitespace/],
      ['a@@partner.example', /more than one "@"/],
      ['a@partner', /domain/],
      ['a@-partner.example', /domain/],
      ['.a@partner.example', /local part/],
      ['a..b@partner.example', /local part/],
      ['partner.example', /no "@"/],
    ] as const) {
      const r = checkEmailAddress(raw);
      expect(r.ok, raw).toBe(false);
      if (!r.ok) expect(r.reason, raw).toMatch(why);
    }
  });
});

let ctx: JobContext;
let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => {
  ctx?.wh.close();
  cleanup();
});

describe('owner_email at ingest', () => {
  it('refuses anything but one address with file, line and column; the digest never sends to it', async () => {
    const spec = rulesDrop();
    const hostile = [
      'a,b@partner.example',
      'team: b@partner.example;',
      'Ana <ana@partner.example>',
      'ana@partner.example (Ana)',
      '"ana b"@partner.example',
      'ana@partner.example\u200b',
    ];
    const ids = hostile.map((_, i) => `0000000${i}-1111-4222-8333-444455556666`);
    for (const [i, h] of hostile.entries())
      spec.customers!.push({ customer_id: ids[i]!, customer_name: `Hostile ${i}`, owner_email: h });
    spec.customers![1]!.owner_email = ' AM1@Partner.Example '; // spaces around and capitals: fine
    writeDrop(path.join(dir, 'exports', DROP_DATE), spec);
    ctx = await testContext(dir);
    ctx.config.outputDir = path.join(dir, 'reports');
    ctx.config.digest.outbox = path.join(dir, 'outbox');
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const issues = await ctx.wh.all(
      `SELECT file, line, column_name, customer_id, message FROM load_issues WHERE code = 'bad_owner_email' ORDER BY line`,
    );
    const lines = readFileSync(path.join(dir, 'exports', DROP_DATE, 'customers.csv'), 'utf8').split('\n');
    expect(issues).toHaveLength(hostile.length);
    for (const [i, issue] of issues.entries()) {
      expect(issue).toMatchObject({ file: 'customers.csv', column_name: 'owner_email', customer_id: ids[i] });
      expect(lines[Number(issue.line) - 1], String(issue.message)).toContain(ids[i]);
      expect(String(issue.message)).toMatch(/is not exactly one e-mail address: it /);
    }
    const owners = await ctx.wh.all(
      `SELECT DISTINCT owner_email FROM stg_customers WHERE snapshot_date = $d::DATE ORDER BY 1 NULLS LAST`,
      { d: DROP_DATE },
    );
    expect(owners).toEqual([
      { owner_email: 'am1@partner.example' },
      { owner_email: 'am2@partner.example' },
      { owner_email: null },
    ]);
    // An address an older version let in is still never handed to SMTP.
    await ctx.wh.run(
      `UPDATE adoption_customer_weekly SET owner_email = 'x@partner.example, y@evil.example'
                      WHERE customer_id = $c`,
      { c: T.pcSubs },
    );
    const res = await sendDigests(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const bad = res.outcomes.find((o) => o.recipient.includes('evil'))!;
    expect(bad.state).toBe('failed');
    expect(bad.error).toMatch(/is not exactly one e-mail address/);
    expect(readdirSync(path.join(dir, 'outbox', DROP_DATE)).some((f) => f.includes('evil'))).toBe(false);
  });
});

const HOSTILE_NAMES = [
  '=HYPERLINK("http://evil.example","click")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\tTabbed',
  '\rCarriage',
];

async function readBack(file: string, format: 'csv' | 'json'): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const reader =
      format === 'csv'
        ? `read_csv($f, header = true, all_varchar = true, strict_mode = false)`
        : `read_json_auto($f)`;
    const r = await con.runAndReadAll(`SELECT * FROM ${reader}`, { f: file });
    return r.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

describe('exports opened in a spreadsheet', () => {
  beforeEach(async () => {
    const spec = rulesDrop();
    // The four customers with data: = - and, after a tab or a carriage return, + and @.
    spec.customers![0]!.customer_name = HOSTILE_NAMES[0]!;
    spec.customers![1]!.customer_name = `\r${HOSTILE_NAMES[1]!}`;
    spec.customers![2]!.customer_name = HOSTILE_NAMES[2]!;
    spec.customers![3]!.customer_name = `\t${HOSTILE_NAMES[3]!}`;
    writeDrop(path.join(dir, 'exports', DROP_DATE), spec);
    ctx = await testContext(dir);
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
  });

  it('the rule: text starting with = + - @ tab or CR gets a leading quote, the rest is as it was', () => {
    for (const n of HOSTILE_NAMES) expect(spreadsheetSafe(n)).toBe(`'${n}`);
    for (const n of ['Main Rules Ltd', "'quoted", 'a=b', '', '2-3']) expect(spreadsheetSafe(n)).toBe(n);
  });

  for (const format of ['csv', 'json'] as const) {
    it(`${format}: hostile names are written as text; --raw writes them as stored`, async () => {
      const stored = await ctx.wh.all(
        `SELECT customer_id, customer_name, licenses_sold FROM adoption_customer_daily WHERE snapshot_date = $d::DATE ORDER BY customer_id`,
        { d: DROP_DATE },
      );
      // Every name is hostile, each starting with a different one of = - CR tab.
      expect(new Set(stored.map((s) => String(s.customer_name)[0]))).toEqual(new Set(['=', '-', '\r', '\t']));
      const safe = path.join(dir, `customers.${format}`);
      await exportTable(ctx, {
        trigger: 'manual',
        asOf: DROP_DATE,
        table: 'adoption_customer_daily',
        format,
        out: safe,
      });
      const raw = path.join(dir, `customers-raw.${format}`);
      await exportTable(ctx, {
        trigger: 'manual',
        asOf: DROP_DATE,
        table: 'adoption_customer_daily',
        format,
        out: raw,
        raw: true,
      });
      const safeRows = await readBack(safe, format);
      const rawRows = await readBack(raw, format);
      expect(safeRows).toHaveLength(stored.length);
      for (const [i, s] of stored.entries()) {
        const name = String(s.customer_name);
        expect(safeRows[i]!.customer_name).toBe(spreadsheetSafe(name));
        expect(rawRows[i]!.customer_name).toBe(name);
        expect(Number(safeRows[i]!.licenses_sold)).toBe(Number(s.licenses_sold)); // numbers stay numbers
      }
      const text = readFileSync(safe, 'utf8');
      // No cell begins with a formula character: neither after a delimiter nor at a line start.
      if (format === 'csv')
        for (const line of text.split('\n')) expect(line).not.toMatch(/(^|,)"?[=+@\t\r]|(^|,)"?-\d+\+/);
    });
  }

  it('CLI: --raw is accepted and the default is safe', () => {
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ warehouse: { path: ctx.config.warehouse.path } }));
    ctx.wh.close();
    const out = path.join(dir, 'cli.csv');
    const common = ['--date', DROP_DATE, '--table', 'adoption_customer_daily', '--config', config];
    expect(runCli(['export', ...common, '--out', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`'=HYPERLINK`);
    const r = runCli(['export', ...common, '--out', out, '--raw']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/(^|,|")=HYPERLINK/m);
  });

  it('a killed export leaves no temporary file on the next run', async () => {
    const out = path.join(dir, 'out', 'daily.csv');
    await exportTable(ctx, {
      trigger: 'manual',
      asOf: DROP_DATE,
      table: 'adoption_daily',
      format: 'csv',
      out,
    });
    // What a killed export (of a process now gone) leaves behind, and one of a process still at work.
    const dead = path.join(dir, 'out', '.daily.csv.999999.tmp');
    const alive = path.join(dir, 'out', `.daily.csv.${process.ppid}.tmp`);
    writeFileSync(dead, 'half a file');
    writeFileSync(alive, 'a writer at work');
    await exportTable(ctx, {
      trigger: 'manual',
      asOf: DROP_DATE,
      table: 'adoption_daily',
      format: 'csv',
      out,
    });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual([
      `.daily.csv.${process.ppid}.tmp`,
      'daily.csv',
    ]);
  });
});

// Covers src/ingest/sources/copilotReports.ts, queries/staging/stg_copilot_activity.sql. Bad rows of a Copilot usage
// report, checked in place after the rows are read straight into stg_copilot_activity: a row without a user or without
// a report date is set aside and named by its column, a user listed twice keeps the row with the newest activity, and
// the file's counts say so; the rest of the report loads.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, type IngestSummary } from '../jobs/ingest.js';
import type { JobContext } from '../src/context.js';
import { writeDrop, writeManifest } from '../src/demo/writeDrop.js';
import { tempDir, testContext } from './helpers/context.js';
import { C, COPILOT_DATE, copilotDrop } from './helpers/copilotDrop.js';

const FILE = `tenants/${C.v1}/copilotUsageUserDetail.csv`;
let ctx: JobContext;
let cleanup: () => void;
let summary: IngestSummary;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const drop = path.join(t.dir, 'exports', COPILOT_DATE);
  writeDrop(drop, copilotDrop());
  // v1 columns: Report Refresh Date, User Principal Name, Display Name, Last Activity Date, then the apps' dates.
  const pad = ',,,,,,,,,180';
  appendFileSync(
    path.join(drop, FILE),
    [
      `2026-11-20,,No Name,2026-11-19${pad}`, // no user
      `,h2@one.example,H Two,2026-11-19${pad}`, // no report date
      `2026-11-20, h5@one.example ,H Five,2026-11-01${pad}`, // h5 again, older: the first row stays
      `2026-11-20,h1@one.example,H One,2026-11-18${pad}`, // h1 again, newer: this row replaces the first
    ]
      .map((l) => `${l}\r\n`)
      .join(''),
  );
  writeManifest(drop);
  ctx = await testContext(t.dir);
  summary = await ingest(ctx, { asOf: COPILOT_DATE, trigger: 'manual' });
});
afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

describe('src/ingest/sources/copilotReports.ts: bad rows', () => {
  it('names the rows set aside by column and the repeated users, and counts the file right', async () => {
    const issues = summary.issues.filter((i) => i.file === FILE);
    expect(issues.filter((i) => i.code === 'empty_required_value').map((i) => [i.column, i.message])).toEqual(
      [
        ['User Principal Name', '1 row(s) have no value; set aside'],
        ['Report Refresh Date', '1 row(s) have no value; set aside'],
      ],
    );
    expect(issues.filter((i) => i.code === 'duplicate_user').map((i) => i.message)).toEqual([
      expect.stringMatching(/^2 row\(s\) repeat a user/),
    ]);
    const [f] = await ctx.wh.all(
      `SELECT status, rows_loaded, rows_rejected FROM load_files WHERE path = $p`,
      {
        p: FILE,
      },
    );
    // 4 users of the fixture + 4 rows appended: 2 set aside; the 2 repeats are loaded and counted once each.
    expect(f).toEqual({ status: 'loaded', rows_loaded: 6, rows_rejected: 2 });
  });

  it('keeps one row per user, the newest, and no row without a user or a date', async () => {
    const rows = await ctx.wh.all(
      `SELECT user_key, last_activity::VARCHAR AS last FROM stg_copilot_activity
       WHERE snapshot_date = $d::DATE AND customer_id = $c ORDER BY user_key`,
      { d: COPILOT_DATE, c: C.v1 },
    );
    expect(rows).toEqual([
      { user_key: 'h1@one.example', last: '2026-11-18' },
      { user_key: 'h2@one.example', last: '2026-10-23' },
      { user_key: 'h3@one.example', last: '2026-11-21' },
      { user_key: 'h5@one.example', last: '2026-11-15' },
    ]);
    const [report] = await ctx.wh.all(
      `SELECT report_refresh_date::VARCHAR AS d FROM stg_copilot_reports WHERE snapshot_date = $d::DATE AND customer_id = $c`,
      { d: COPILOT_DATE, c: C.v1 },
    );
    expect(report).toEqual({ d: '2026-11-20' });
  });
});

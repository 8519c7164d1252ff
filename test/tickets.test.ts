// Covers src/ingest/ticketTimes.ts, src/ingest/sources/tickets.ts. tickets.csv (src/ingest/ticketTimes.ts and
// src/ingest/sources/tickets.ts): `opened_at` in ISO 8601 or one configured format, never a guess; every row that
// cannot be read is set aside with its line, column and reason and counted in the run report.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { parseConfig } from '../src/config/load.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { formatIngestReport } from '../src/ingest/report.js';
import {
  compileTimeFormat,
  parseOpenedAt,
  recordStartLines,
  type TimeFormat,
} from '../src/ingest/ticketTimes.js';
import { UserError } from '../src/errors.js';
import { tempDir, testContext } from './helpers/context.js';
import defaults from '../config/default.json' with { type: 'json' };

type Options = { format: TimeFormat | null; timeZone: string };
const utc: Options = { format: null, timeZone: 'UTC' };
const ok = (raw: string, options: Options = utc) => {
  const r = parseOpenedAt(raw, options);
  if (!r.ok) throw new Error(r.reason);
  return r.utc;
};
const reason = (raw: string | null, options: Options = utc) => {
  const r = parseOpenedAt(raw, options);
  return r.ok ? `parsed as ${r.utc}` : r.reason;
};

describe('opened_at in ISO 8601', () => {
  it('accepts a date, a date-time with T or a space, with or without seconds, fractions, Z or an offset', () => {
    expect(ok('2026-11-20')).toBe('2026-11-20T00:00:00.000Z');
    expect(ok('2026-11-20T09:30')).toBe('2026-11-20T09:30:00.000Z');
    expect(ok('2026-11-20 09:30:15')).toBe('2026-11-20T09:30:15.000Z');
    expect(ok('2026-11-20T09:30:15.250Z')).toBe('2026-11-20T09:30:15.250Z');
    expect(ok('2026-11-20 09:00Z')).toBe('2026-11-20T09:00:00.000Z');
    expect(ok('2026-11-20T09:00:00+02:00')).toBe('2026-11-20T07:00:00.000Z');
    expect(ok('2026-11-20T09:00:00-0530')).toBe('2026-11-20T14:30:00.000Z');
    expect(ok('2026-11-20T23:00:00-05')).toBe('2026-11-21T04:00:00.000Z');
  });

  it('reads a time without an offset in tickets.timeZone, summer and winter', () => {
    const london = { format: null, timeZone: 'Europe/London' };
    expect(ok('2026-07-01 09:00', london)).toBe('2026-07-01T08:00:00.000Z');
    expect(ok('2026-12-01 09:00', london)).toBe('2026-12-01T09:00:00.000Z');
    expect(reason('2026-03-29 01:30', london)).toMatch(/does not exist in Europe\/London/);
  });

  it('refuses what is not ISO 8601 instead of guessing day-first or month-first', () => {
    expect(reason('03/04/2026')).toMatch(
      /"03\/04\/2026" is not an ISO 8601 date-time.*tickets\.openedAtFormat/,
    );
    expect(reason('20/11/2026 09:00')).toMatch(/not an ISO 8601/);
    expect(reason('2026-02-30')).toMatch(/has no day 30/);
    expect(reason('2026-13-01')).toMatch(/month 13/);
    expect(reason('2026-11-20T25:00')).toMatch(/time of day/);
    expect(reason('')).toBe('is empty');
    expect(reason(null)).toBe('is empty');
    expect(reason('yesterday')).toMatch(/not an ISO 8601/);
  });
});

describe('opened_at in a configured format', () => {
  const us = compileTimeFormat('MM/DD/YYYY hh:mm A') as TimeFormat;
  const eu = compileTimeFormat('DD.MM.YYYY HH:mm') as TimeFormat;

  it('reads exactly that format, 12-hour clock included', () => {
    expect(ok('11/20/2026 09:05 PM', { format: us, timeZone: 'UTC' })).toBe('2026-11-20T21:05:00.000Z');
    expect(ok('11/20/2026 12:00 AM', { format: us, timeZone: 'UTC' })).toBe('2026-11-20T00:00:00.000Z');
    expect(ok('11/20/2026 12:30 pm', { format: us, timeZone: 'UTC' })).toBe('2026-11-20T12:30:00.000Z');
    expect(ok('20.11.2026 21:05', { format: eu, timeZone: 'Europe/Berlin' })).toBe(
      '2026-11-20T20:05:00.000Z',
    );
  });

  it('refuses a value in another shape, and an impossible date', () => {
    expect(reason('2026-11-20T09:00:00Z', { format: us, timeZone: 'UTC' })).toMatch(
      /does not match tickets\.openedAtFormat "MM\/DD\/YYYY hh:mm A"/,
    );
    expect(reason('02/30/2026 09:00 AM', { format: us, timeZone: 'UTC' })).toMatch(/has no day 30/);
    expect(reason('11/20/2026 13:00 PM', { format: us, timeZone: 'UTC' })).toMatch(/not a 12-hour hour/);
  });

  it('is checked at start-up, the error naming the key', () => {
    const bad = structuredClone(defaults) as Record<string, unknown> & { tickets: Record<string, unknown> };
    bad.tickets.openedAtFormat = 'DD/MM hh:mm';
    expect(() => parseConfig(bad, 'test')).toThrow(UserError);
    expect(() => parseConfig(bad, 'test')).toThrow(/tickets\.openedAtFormat: must hold a year/);
    bad.tickets.openedAtFormat = 'YYYY-MM-DD hh:mm';
    expect(() => parseConfig(bad, 'test')).toThrow(/tickets\.openedAtFormat: a 12-hour hour/);
  });
});

describe('record lines', () => {
  it('names the line each record starts on: header, CRLF, blank lines, quoted line breaks', () => {
    const csv = 'a,b\r\n1,x\r\n\r\n2,"multi\nline"\n3,y\n"4",z';
    expect(recordStartLines(Buffer.from(csv))).toEqual([1, 2, 4, 6, 7]);
  });
});

describe('tickets.csv through ingest', () => {
  const T1 = 'e1000000-0000-4000-8000-000000000001';
  const DATE = '2026-11-23';
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  async function load(tickets: string) {
    const t = tempDir();
    cleanup = t.cleanup;
    const dropDir = path.join(t.dir, 'exports', DATE);
    writeDrop(dropDir, {
      customers: [{ customer_id: T1, customer_name: 'Ticket Co', owner_email: 'am@partner.example' }],
      tenants: [{ tenantId: T1, refreshDate: '2026-11-22', users: [{ upn: 'u@t.example', products: [] }] }],
    });
    writeFileSync(path.join(dropDir, 'tickets.csv'), tickets);
    const ctx = await testContext(t.dir);
    try {
      const summary = await ingest(ctx, { asOf: DATE, trigger: 'manual' });
      const stored = await ctx.wh.all(
        `SELECT ticket_id, strftime(opened_at, '%Y-%m-%dT%H:%M:%S') AS opened_at FROM stg_tickets ORDER BY ticket_id`,
      );
      const [file] = await ctx.wh.all(
        `SELECT rows_loaded, rows_rejected, status FROM load_files WHERE path = 'tickets.csv'`,
      );
      return { summary, stored, file };
    } finally {
      ctx.wh.close();
    }
  }

  it('sets one bad row aside with its line, column and reason, counts it, and loads the others', async () => {
    const { summary, stored, file } = await load(
      [
        'ticket_id,customer_id,opened_at,category,product',
        `T-1,${T1},2026-11-20T09:00:00Z,How-to,Teams`,
        `T-2,${T1},20/11/2026,How-to,Teams`,
        `T-3,${T1},2026-11-21 10:15,Incident,`,
        '',
      ].join('\n'),
    );
    expect(stored).toEqual([
      { ticket_id: 'T-1', opened_at: '2026-11-20T09:00:00' },
      { ticket_id: 'T-3', opened_at: '2026-11-21T10:15:00' },
    ]);
    const bad = summary.issues.filter((i) => i.file === 'tickets.csv' && i.severity === 'error');
    expect(bad).toEqual([
      expect.objectContaining({
        code: 'bad_row',
        line: 3,
        column: 'opened_at',
        message: expect.stringMatching(/"20\/11\/2026" is not an ISO 8601 date-time.*set aside/),
      }),
    ]);
    expect(file).toEqual({ rows_loaded: 2, rows_rejected: 1, status: 'loaded' });
    expect(summary.rowsRejected).toBe(1);
    expect(formatIngestReport(summary)).toMatch(/tickets\.csv, line 3, column "opened_at"/);
  });

  it('sets every row aside when every row is bad, each named, and counts them all', async () => {
    const { summary, stored, file } = await load(
      [
        'ticket_id,customer_id,opened_at,category',
        `T-1,${T1},,How-to`,
        `,${T1},2026-11-20,How-to`,
        `T-3,not-a-guid,2026-11-20,How-to`,
        `T-4,${T1},11/20/2026 09:00 AM,How-to`,
      ].join('\r\n'),
    );
    expect(stored).toEqual([]);
    const bad = summary.issues
      .filter((i) => i.file === 'tickets.csv' && i.severity === 'error')
      .map((i) => [i.line, i.column]);
    expect(bad).toEqual([
      [4, 'customer_id'],
      [2, 'opened_at'],
      [3, 'ticket_id'],
      [5, 'opened_at'],
    ]);
    expect(file).toEqual({ rows_loaded: 0, rows_rejected: 4, status: 'loaded' });
    expect(summary.rowsRejected).toBe(4);
    expect(summary.outcome).toBe('loaded_with_issues');
  });
});

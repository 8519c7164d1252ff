// Covers jobs/export.ts. jobs/export.ts: the format from the file name (or --format, a mismatch refused), every daily
// and weekly metric table, and the customer's and product's names beside their ids.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORTABLE_TABLES, exportFormat, exportTable, type ExportTable } from '../jobs/export.js';
import { ingest } from '../jobs/ingest.js';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { UserError } from '../src/errors.js';
import { tempDir, testContext } from './helpers/context.js';
import { DROP_DATE, T, rulesDrop } from './fixtures/rulesDrop.js';

describe('exportFormat', () => {
  it('follows the file name when --format is not given', () => {
    expect(exportFormat('/x/a.csv', undefined)).toBe('csv');
    expect(exportFormat('/x/a.PARQUET', undefined)).toBe('parquet');
    expect(exportFormat('a.pq', undefined)).toBe('parquet');
    expect(exportFormat('a.json', undefined)).toBe('json');
  });

  it('refuses a --format the file name contradicts, and a file name that names no format', () => {
    expect(() => exportFormat('a.csv', 'parquet')).toThrow(UserError);
    expect(() => exportFormat('a.csv', 'parquet')).toThrow(
      /--format parquet does not match the file name a\.csv/,
    );
    expect(() => exportFormat('a.txt', undefined)).toThrow(
      /cannot tell the format from the file name a\.txt/,
    );
    expect(exportFormat('a.txt', 'json')).toBe('json');
    expect(exportFormat('a.csv', 'csv')).toBe('csv');
  });
});

describe('exportTable', () => {
  let ctx: JobContext;
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    writeDrop(path.join(dir, 'exports', DROP_DATE), rulesDrop());
    ctx = await testContext(dir);
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
  });
  afterAll(() => {
    ctx?.wh.close();
    cleanup?.();
  });

  it('writes every table, weekly ones for the week holding the date', async () => {
    // The adoption tables: the drop has no price sheet, so the licence spend tables are empty (test/spend.test.ts).
    const tables = (Object.keys(EXPORTABLE_TABLES) as ExportTable[]).filter((t) => t.startsWith('adoption_'));
    expect(tables).toHaveLength(8);
    for (const table of tables) {
      const out = path.join(dir, 'out', `${table}.json`);
      const weekly = EXPORTABLE_TABLES[table] === 'week_ending';
      // A weekly table is asked for a date inside the week; a daily one for its snapshot date.
      const res = await exportTable(ctx, {
        trigger: 'manual',
        asOf: weekly ? '2026-11-20' : DROP_DATE,
        table,
        out,
      });
      const rows = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[];
      expect(rows.length, table).toBe(res.rows);
      expect(rows.length, table).toBeGreaterThan(0);
      if (weekly) {
        expect(res.period).toBe('2026-11-23'); // weeks end on Monday
        expect(rows.every((r) => r.week_ending === '2026-11-23')).toBe(true);
      }
    }
  });

  it('puts the customer’s and product’s names beside their ids', async () => {
    for (const table of ['adoption_daily', 'adoption_weekly', 'adoption_workload_weekly'] as const) {
      const out = path.join(dir, 'out', `${table}-names.csv`);
      await exportTable(ctx, { trigger: 'manual', asOf: DROP_DATE, table, out });
      const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
      expect(header!.split(',').slice(0, 6)).toEqual([
        table === 'adoption_daily' ? 'snapshot_date' : 'week_ending',
        'customer_id',
        'customer_name',
        'sku_id',
        'product',
        'part_number',
      ]);
      expect(lines.length).toBeGreaterThan(0);
      const main = lines.find((l) => l.includes(T.main) && l.includes('SPE_E3'))!;
      expect(main).toContain(
        `${T.main},Main Rules Ltd,05e9a617-0261-4cee-bb44-138d3ef5d965,Microsoft 365 E3,SPE_E3`,
      );
    }
  });

  it('says which week has no rows', async () => {
    await expect(
      exportTable(ctx, {
        trigger: 'manual',
        asOf: '2026-01-01',
        table: 'adoption_weekly',
        out: path.join(dir, 'x.csv'),
      }),
    ).rejects.toThrow(
      /adoption_weekly has no rows for the week ending 2026-01-05 \(the week holding 2026-01-01\)/,
    );
  });
});

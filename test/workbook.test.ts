// Covers jobs/report.ts, src/render/workbook.ts, src/report/portfolioSheets.ts, src/render/storedZip.ts. Workbooks read
// back with exceljs, cell by cell, against the warehouse; the fixture drop has two account managers (am1: Main Rules,
// Nothing Sold; am2: Aggregate Only, PC Subs) and one customer with a hostile name.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { buildReport, resolveWeek } from '../jobs/report.js';
import type { JobContext } from '../src/context.js';
import { safeFileName } from '../src/deliver/files.js';
import { findInPieces, storedParts } from '../src/render/storedZip.js';
import { renderWorkbook, type WorkbookModel } from '../src/render/workbook.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { tempDir, testContext } from './helpers/context.js';
import { convertToPdf, libreOfficeRuns } from './helpers/libreoffice.js';
import { checkXlsx } from './helpers/xlsxCheck.js';
import { DROP_DATE, T, rulesDrop } from './fixtures/rulesDrop.js';

const HOSTILE = '=HYPERLINK("http://evil.example","click") & Co';
let ctx: JobContext;
let dir: string;
let cleanup: () => void;
let week: string;

async function read(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

// exceljs reads these back but its typings do not declare them.
const tablesOf = (ws: ExcelJS.Worksheet) =>
  Object.keys((ws as unknown as { tables: Record<string, unknown> }).tables);
const cfOf = (ws: ExcelJS.Worksheet) =>
  (ws as unknown as { conditionalFormattings: { ref: string; rules: { type: string }[] }[] })
    .conditionalFormattings;

/** Every cell's text in every sheet. */
function allText(wb: ExcelJS.Workbook): string {
  const out: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => out.push(String(c.text ?? '')))));
  return out.join('\n');
}

function rowsOf(ws: ExcelJS.Worksheet, headerRow = 1): Record<string, ExcelJS.Cell>[] {
  const headers = (ws.getRow(headerRow).values as unknown[]).slice(1).map(String);
  const out: Record<string, ExcelJS.Cell>[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (!row.hasValues) break;
    out.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1)])));
  }
  return out;
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const spec = rulesDrop();
  spec.customers![1]!.customer_name = HOSTILE; // Nothing Sold, am1
  writeDrop(path.join(dir, 'exports', DROP_DATE), spec);
  ctx = await testContext(dir);
  await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
  week = await resolveWeek(ctx, DROP_DATE);
});
afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

describe('portfolio workbook', () => {
  let wb: ExcelJS.Workbook;
  let file: string;
  beforeAll(async () => {
    file = (await buildReport(ctx, { asOf: week, trigger: 'manual', outDir: path.join(dir, 'out') })).file;
    wb = await read(file);
  });

  it('has the eight sheets, real tables with filters, frozen headers and document properties', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Summary',
      'Customers',
      'Workloads',
      'Trend',
      'Inactive users',
      'Copilot',
      'Spend',
      'Data quality',
      'Definitions',
    ]);
    const customers = wb.getWorksheet('Customers')!;
    expect(tablesOf(customers)).toEqual(['CustomerProducts']);
    expect(customers.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(wb.getWorksheet('Inactive users')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(tablesOf(wb.getWorksheet('Summary')!).sort()).toEqual(['Attention', 'Licences', 'Rates']);
    expect(wb.getWorksheet('Trend')!.getImages()).toHaveLength(1);
    expect(wb.title).toBe('Adoption portfolio: Contoso Cloud Partner: all customers');
    expect(wb.subject).toBe(`Week ending ${week}`);
    expect(path.basename(file)).toBe(`portfolio-${week}.xlsx`);
  });

  it('writes customers × products with real number formats, matching the warehouse cell by cell', async () => {
    const ws = wb.getWorksheet('Customers')!;
    const rows = rowsOf(ws);
    const expected = await ctx.wh.all(
      `SELECT count(*)::INTEGER AS n FROM adoption_daily WHERE snapshot_date = $d::DATE`,
      { d: DROP_DATE },
    );
    expect(rows).toHaveLength(expected[0]!.n as number);
    const e3 = rows.find(
      (r) => r['Customer']!.value === 'Main Rules Ltd' && r['Product']!.value === 'Microsoft 365 E3',
    )!;
    expect(e3['Sold (all partners)']!.value).toBe(15);
    expect(e3['Sold by you']!.value).toBe(10);
    expect(e3['Assigned']!.value).toBe(7);
    expect(e3['Deployment %']!.value).toBeCloseTo(7 / 15, 12);
    expect(e3['Deployment %']!.numFmt).toBe('0.0%');
    expect(e3['Usage %']!.value).toBeCloseTo(5 / 7, 12);
    expect(e3['Usage % (adjusted)']!.value).toBeCloseTo(4 / 7, 12);
    expect(e3['Unassigned']!.value).toBe(8);
    expect(e3['Inactive']!.value).toBe(3);
    expect(e3['Data as of']!.value).toEqual(new Date('2026-11-22T00:00:00Z'));
    expect(e3['Data as of']!.numFmt).toBe('yyyy-mm-dd');
    const grace = rows.find(
      (r) =>
        r['Customer']!.value === 'Main Rules Ltd' &&
        r['Product']!.value === 'Microsoft 365 Business Standard',
    )!;
    expect(grace['Usage %']!.value).toBe(1.5);
    expect(String(grace['Why usage exceeds 100%']!.value)).toMatch(
      /1 active beyond the entitlements on a second subscription in grace/,
    );
    const trial = rows.find((r) => r['Product']!.value === 'Microsoft 365 E5')!;
    expect(String(trial['Why usage exceeds 100%']!.value)).toMatch(
      /2 active beyond the entitlements on a trial subscription/,
    );
    const agg = rows.find((r) => r['Customer']!.value === 'Aggregate Only GmbH')!;
    expect(agg['Source']!.value).toBe('Partner Center (aggregates)');
    expect(agg['Usage measured by']!.value).toMatch(/lower bound/);
  });

  it('flags low adoption with a red-amber-green scale on the usage columns', () => {
    const cf = cfOf(wb.getWorksheet('Customers')!);
    const scale = cf.find((c) => c.ref.startsWith('H2:'))!; // Usage % (adjusted), right after the key counts
    expect(scale.rules[0]).toMatchObject({ type: 'colorScale' });
    expect(cf.some((c) => c.rules.some((r) => r.type === 'cellIs'))).toBe(true);
  });

  it('writes text from the exports as text, never as a formula', () => {
    const ws = wb.getWorksheet('Customers')!;
    const cell = rowsOf(ws).find((r) => String(r['Customer']!.value).startsWith('=HYPERLINK'))!['Customer']!;
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe(HOSTILE);
    expect(cell.numFmt).toBe('@');
    expect(cell.formula).toBeUndefined();
  });

  it("lists inactive users, workloads with the weakest marked, the week's data quality, and definitions", async () => {
    const inactive = rowsOf(wb.getWorksheet('Inactive users')!, 2);
    const users = inactive
      .filter((r) => r['Customer']!.value === 'Main Rules Ltd' && r['Product']!.value === 'Microsoft 365 E3')
      .map((r) => r['User']!.value);
    expect(users.sort()).toEqual(['u2@main.example', 'u7@main.example', 'u8@main.example']);
    const u2 = inactive.find((r) => r['User']!.value === 'u2@main.example')!;
    expect(u2['Days since']!.value).toBe(28);
    const w = rowsOf(wb.getWorksheet('Workloads')!).filter(
      (r) => r['Customer']!.value === 'Main Rules Ltd' && r['Product']!.value === 'Microsoft 365 E3',
    );
    // Skype for Business is retired (DESIGN.md §3): never a row, never the weakest; the weakest here is 1 of 7.
    // Workloads by their names, never their keys (issue #20).
    const names = w.map((r) => String(r['Workload']!.value));
    expect(names).toEqual(expect.arrayContaining(['Exchange', 'SharePoint & OneDrive', 'Teams']));
    expect(names.filter((n) => /^[a-z_]+$/.test(n))).toEqual([]); // no key such as "sharepoint"
    expect(names).not.toContain('Skype for Business');
    expect(w.find((r) => r['Workload']!.value === 'SharePoint & OneDrive')!['Weakest workload']!.value).toBe(
      'weakest',
    );
    expect(w.find((r) => r['Workload']!.value === 'Exchange')!['Usage %']!.value).toBeCloseTo(2 / 7, 12);
    const dq = rowsOf(wb.getWorksheet('Data quality')!, 2).map((r) => String(r['Issue']!.value));
    expect(dq).toEqual(
      expect.arrayContaining(['activity_after_report_date', 'excluded_sku', 'missing_source']),
    );
    const defs = rowsOf(wb.getWorksheet('Definitions')!, 2);
    expect(defs.map((r) => r['Term']!.value)).toContain('Why Usage % can exceed 100%');
    expect(defs[0]!['Source']!.value).toMatchObject({
      hyperlink: expect.stringContaining('learn.microsoft.com'),
    });
  });

  it('keeps the customer and product in view while the figures scroll: key figures first, ids and e-mails last', () => {
    const ws = wb.getWorksheet('Customers')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 1 });
    expect(wb.getWorksheet('Workloads')!.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 1 });
    const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    expect(headers.slice(0, 9)).toEqual([
      'Customer',
      'Product',
      'Sold (all partners)',
      'Assigned',
      'Active',
      'Deployment %',
      'Usage %',
      'Usage % (adjusted)',
      'Unused',
    ]);
    expect(headers.slice(-2)).toEqual(['Account manager', 'Tenant ID']);
    const e3 = rowsOf(ws).find(
      (r) => r['Customer']!.value === 'Main Rules Ltd' && r['Product']!.value === 'Microsoft 365 E3',
    )!;
    expect(e3['Unused']!.value).toBe(8 + 3); // unassigned + inactive
  });

  it('fits each column to its content, and shows a change of a rate as points (+4.3 pts), not as a percentage', async () => {
    const ws = wb.getWorksheet('Customers')!;
    const rows = rowsOf(ws);
    const widthOf = (header: string) =>
      ws.getColumn((ws.getRow(1).values as unknown[]).slice(1).map(String).indexOf(header) + 1).width!;
    const longestName = Math.max(...rows.map((r) => String(r['Customer']!.value).length));
    expect(widthOf('Customer')).toBe(Math.min(40, longestName + 2)); // the longest name, up to a cap
    expect(widthOf('Assigned')).toBeLessThan(14); // a count, not a 30-character column
    expect(widthOf('Tenant ID')).toBeGreaterThanOrEqual(36);
    // The fixture has one week (no change yet): a change column, rendered and read back.
    const bytes = await renderWorkbook({
      title: 't',
      subject: 's',
      created: new Date('2026-11-23T00:00:00Z'),
      sheets: [
        {
          name: 'S',
          blocks: [
            {
              tableName: 'T',
              columns: [{ header: 'Δ usage (points)', key: 'c', format: 'change' }],
              rows: [{ c: 0.043 }, { c: -0.1 }],
            },
          ],
        },
      ],
    });
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const cells = [2, 3].map((r) => back.getWorksheet('S')!.getRow(r).getCell(1));
    expect(cells.map((c) => c.value)).toEqual([4.3, -10]);
    expect(cells[0]!.numFmt).toBe('+0.0" pts";-0.0" pts";0.0" pts"');
    // and every change column of the Customers sheet carries that format
    const cf = ws.getRow(1).values as unknown[];
    expect(cf.filter((h) => String(h).includes('(points)'))).toHaveLength(2);
  });

  it('is a package Excel opens without repair: well-formed parts, relationships, content types, table headers', async () => {
    expect(await checkXlsx(readFileSync(file))).toEqual([]);
  });

  it('leaves no temporary file behind', () => {
    expect(readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('scoped workbooks', () => {
  it("an account manager's workbook holds none of another manager's customers", async () => {
    const { file } = await buildReport(ctx, {
      asOf: week,
      owner: 'am1@partner.example',
      trigger: 'manual',
      outDir: path.join(dir, 'out'),
    });
    expect(path.basename(file)).toBe(`portfolio-${week}-am1@partner.example.xlsx`);
    const text = allText(await read(file));
    expect(text).toContain('Main Rules Ltd');
    for (const other of [
      'Aggregate Only GmbH',
      'PC Subs plc',
      T.aggregate,
      T.pcSubs,
      'am2@partner.example',
      'p1@pc.example',
    ])
      expect(text).not.toContain(other);
  });

  it('a customer workbook holds that customer alone, under a safe file name', async () => {
    const { file } = await buildReport(ctx, {
      asOf: week,
      customer: T.nothingSold,
      trigger: 'manual',
      outDir: path.join(dir, 'out'),
    });
    expect(path.basename(file)).toBe(`customer-HYPERLINK-http-evil.example-click-Co-a0000000-${week}.xlsx`);
    const wb = await read(file);
    expect(wb.title).toBe(`Customer insights: ${HOSTILE}`);
    const text = allText(wb);
    for (const other of ['Main Rules Ltd', 'u1@main.example', T.main]) expect(text).not.toContain(other);
    const rows = rowsOf(wb.getWorksheet('Customers')!);
    expect(rows.map((r) => r['Product']!.value)).toEqual(['Office 365 E3']);
    expect(rows[0]!['Tenant ID']!.value).toBe(T.nothingSold);
  });

  it('a workbook made for a Chinese reader has its sheets, headers and definitions in Chinese', async () => {
    const { file } = await buildReport(ctx, {
      asOf: week,
      owner: 'am1@partner.example',
      locale: 'zh-CN',
      trigger: 'manual',
      outDir: path.join(dir, 'zh'),
    });
    const wb = await read(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '摘要',
      '客户',
      '工作负载',
      '趋势',
      '非活跃用户',
      'Copilot',
      '支出',
      '数据质量',
      '定义',
    ]);
    const customers = wb.getWorksheet('客户')!;
    expect(customers.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 1 });
    const header = (customers.getRow(1).values as unknown[]).slice(1).map(String);
    expect(header.slice(0, 9)).toEqual([
      '客户',
      '产品',
      '已售（所有合作伙伴）',
      '已分配',
      '活跃',
      '部署率',
      '使用率',
      '使用率（调整后）',
      '未使用',
    ]);
    const e3 = rowsOf(customers).find((r) => r['产品']!.value === 'Microsoft 365 E3')!;
    expect(e3['客户']!.value).toBe('Main Rules Ltd');
    expect(e3['已分配']!.value).toBe(7);
    expect(e3['来源']!.value).toBe('Graph（用户级）');
    const change = customers.getRow(2).getCell(header.indexOf('调整后使用率变化（百分点）') + 1);
    expect(change.numFmt ?? '+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"').toBe(
      '+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"',
    );
    const defs = rowsOf(wb.getWorksheet('定义')!, 2);
    expect(defs.map((r) => r['术语']!.value)).toContain('使用率（调整后）');
    expect(String(defs[0]!['定义']!.value)).toMatch(/用户有权使用的许可证/);
    const w = rowsOf(wb.getWorksheet('工作负载')!).map((r) => r['工作负载']!.value);
    expect(w).toContain('SharePoint 和 OneDrive');
    expect(wb.getWorksheet('摘要')!.getRow(1).getCell(1).value).toBe(
      '采用情况概览：am1@partner.example 的客户',
    );
    expect(await checkXlsx(readFileSync(file))).toEqual([]);
  });

  it('says clearly when a week has no data', async () => {
    await expect(resolveWeek(ctx, '2026-01-01')).rejects.toThrow(
      /no data for the week ending 2026-01-05 \(the week holding 2026-01-01\)/,
    );
  });
});

describe('same model, same bytes', () => {
  afterEach(() => vi.useRealTimers());
  const model = (): WorkbookModel => ({
    title: 't',
    subject: 's',
    created: new Date('2026-11-23T00:00:00Z'),
    sheets: [
      {
        name: 'S',
        notes: ['A title', 'a note'],
        freeze: true,
        blocks: [
          {
            title: 'Block',
            tableName: 'T',
            columns: [
              { header: 'Name', key: 'n', format: 'text' },
              { header: 'Usage %', key: 'u', format: 'pct', flag: 'usage' },
              { header: 'Day', key: 'd', format: 'date' },
            ],
            rows: (async function* () {
              for (let i = 0; i < 50; i++) yield { n: `user ${i}`, u: i / 50, d: '2026-11-20' };
            })(),
          },
        ],
      },
    ],
  });

  it("renders a model twice to the same bytes: the package's dates are the model's, never the clock's", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-01T10:00:00Z'));
    const first = await renderWorkbook(model());
    vi.setSystemTime(new Date('2031-07-15T18:30:00Z'));
    const second = await renderWorkbook(model());
    expect(first.length).toBeGreaterThan(1000);
    expect(first.equals(second)).toBe(true);
  });

  it('the report job writes the same bytes for the same week, chart included, whenever it runs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const bytes: Buffer[] = [];
    for (const [i, now] of ['2027-03-01T10:00:00Z', '2031-07-15T18:30:00Z'].entries()) {
      vi.setSystemTime(new Date(now));
      const out = path.join(dir, `same-bytes-${i}`);
      const { file } = await buildReport(ctx, { asOf: week, trigger: 'manual', outDir: out });
      bytes.push(readFileSync(file));
    }
    expect(bytes[0]!.equals(bytes[1]!)).toBe(true);
  });
});

describe('a list longer than a sheet holds', () => {
  // A sheet of 5 rows: on the inactive users' sheets a note, the header, two users, and the line saying where the
  // list goes on.
  const LIMIT = 5;
  let full: ExcelJS.Workbook;
  let split: ExcelJS.Workbook;
  let splitFile: string;
  beforeAll(async () => {
    const outDir = path.join(dir, 'split');
    full = await read(
      (await buildReport(ctx, { asOf: week, trigger: 'manual', outDir: path.join(dir, 'full') })).file,
    );
    splitFile = (await buildReport(ctx, { asOf: week, trigger: 'manual', outDir, maxRowsPerSheet: LIMIT }))
      .file;
    split = await read(splitFile);
  });

  /** The values of rows `from`…`to`, in the six columns of the inactive users' list. */
  const values = (ws: ExcelJS.Worksheet, from: number, to: number) => {
    const out: unknown[][] = [];
    for (let r = from; r <= to; r++) out.push([1, 2, 3, 4, 5, 6].map((c) => ws.getRow(r).getCell(c).value));
    return out;
  };

  it('goes on on further sheets: every inactive user once, in order, cell by cell', () => {
    const expected = rowsOf(full.getWorksheet('Inactive users')!, 2).map((r) =>
      Object.values(r).map((c) => c.value),
    );
    expect(expected.length).toBeGreaterThan(2 * (LIMIT - 3));
    const parts = split.worksheets.filter((ws) => /^Inactive users( \(\d+\))?$/.test(ws.name));
    expect(parts.map((ws) => ws.name)).toEqual([
      'Inactive users',
      ...Array.from({ length: parts.length - 1 }, (_, i) => `Inactive users (${i + 2})`),
    ]);
    expect(parts.length).toBe(Math.ceil(expected.length / (LIMIT - 3)));
    const got = parts.flatMap((ws, i) => values(ws, 3, i < parts.length - 1 ? LIMIT - 1 : ws.rowCount));
    expect(expected[0]).toHaveLength(6);
    expect(got).toEqual(expected);
  });

  it('says so in words on the sheets: where the list goes on, and where it comes from', () => {
    const parts = split.worksheets.filter((ws) => ws.name.startsWith('Inactive users'));
    const header = full.getWorksheet('Inactive users')!.getRow(2).values;
    // at the top, the choice itself: where a long list goes on
    expect(String(parts[0]!.getRow(1).getCell(1).value)).toMatch(
      /A list longer than a sheet holds \(1,048,576 rows\) goes on on the next sheets: "Inactive users \(2\)"/,
    );
    for (const [i, ws] of parts.entries()) {
      if (i < parts.length - 1) {
        expect(ws.rowCount).toBe(LIMIT);
        expect(ws.getRow(LIMIT).getCell(1).value).toBe(
          `The list continues on the sheet "${parts[i + 1]!.name}".`,
        );
      }
      if (i > 0) {
        expect(ws.getRow(1).getCell(1).value).toBe(
          `Continued from the sheet "${parts[i - 1]!.name}": a sheet holds at most ${LIMIT} rows.`,
        );
        expect(ws.getRow(2).values).toEqual(header);
        expect(tablesOf(ws)).toHaveLength(1);
        expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2, xSplit: 1 });
      }
    }
  });

  it('never puts more rows on a sheet than it holds, and stays a sound package', async () => {
    for (const ws of split.worksheets) expect(ws.rowCount, ws.name).toBeLessThanOrEqual(LIMIT);
    expect(await checkXlsx(readFileSync(splitFile))).toEqual([]);
  });

  it('refuses a sheet too small to say where a list goes on', async () => {
    await expect(
      renderWorkbook({ title: 't', subject: 's', created: new Date(0), sheets: [], maxRowsPerSheet: 4 }),
    ).rejects.toThrow(/at least 5 rows/);
  });

  it.skipIf(!libreOfficeRuns)(
    'opens in LibreOffice with no error',
    () => {
      const { pdf, status, stdout, stderr } = convertToPdf(splitFile, dir);
      expect(status, stderr).toBe(0);
      expect(stderr).not.toMatch(/error/i);
      expect(existsSync(pdf), `${pdf}\n${stdout}\n${stderr}`).toBe(true);
      expect(statSync(pdf).size).toBeGreaterThan(10_000);
    },
    240_000,
  );
});

describe('a stored package read in place (storedZip.ts)', () => {
  /** `bytes` cut into pieces of the given sizes, cycling. */
  const cut = (bytes: Buffer, sizes: number[]) => {
    const out: Buffer[] = [];
    for (let at = 0, i = 0; at < bytes.length; at += sizes[i++ % sizes.length]!)
      out.push(bytes.subarray(at, at + sizes[i % sizes.length]!));
    return out;
  };

  it('finds a marker inside a piece and across pieces, first or last', () => {
    const text = Buffer.from('<a><sheetData><row/></sheetData><x/></sheetData>tail');
    for (const sizes of [[1], [2, 3], [5, 7, 11], [text.length]]) {
      const pieces = cut(text, sizes);
      expect(findInPieces(pieces, '<sheetData')).toBe(text.indexOf('<sheetData'));
      expect(findInPieces(pieces, '</sheetData>', true)).toBe(text.lastIndexOf('</sheetData>'));
      expect(findInPieces(pieces, '<nothing>')).toBe(-1);
    }
  });

  it('gives every part of a stored zip, whatever the chunks it arrives in', () => {
    const files = { 'a.xml': strToU8('<a>'.repeat(1000)), 'b/c.xml': strToU8('x'), 'empty.txt': strToU8('') };
    const zip = Buffer.from(zipSync(files, { level: 0 }));
    for (const sizes of [[1], [7, 13], [4096], [zip.length]]) {
      const parts = storedParts(cut(zip, sizes));
      expect([...parts.keys()]).toEqual(Object.keys(files));
      for (const [name, bytes] of Object.entries(files))
        expect(Buffer.concat(parts.get(name)!).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});

describe('safe file names', () => {
  it.each([
    ['../../etc/passwd', 'etc-passwd'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['a\u202Egnp.exe', 'agnp.exe'],
    ['Müller & Söhne GmbH', 'Müller-Söhne-GmbH'],
    ['  ', 'unnamed'],
  ])('%j → %j', (input, want) => expect(safeFileName(input)).toBe(want));
  it('caps the length', () => expect(safeFileName('x'.repeat(10_000))).toHaveLength(60));
});

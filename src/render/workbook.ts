// Renders a workbook model to .xlsx bytes. Pure: data in, bytes out (no file, no network). Every sheet goes
// through exceljs's streaming writer, so memory stays bounded however many rows there are; tables and pictures
// are added to the finished package afterwards (xlsxParts.ts).
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { addTablesAndPictures, type PictureSpec, type TableSpec } from './xlsxParts.js';

export type Format = 'text' | 'int' | 'pct' | 'change' | 'date' | 'link' | 'number' | 'money';

export interface Column {
  header: string;
  key: string;
  format: Format;
  /** the widest the column may grow to fit its content (characters); default 50 */
  width?: number;
  /** conditional formatting: a red-amber-green scale on a usage figure, or red/green for a change */
  flag?: 'usage' | 'change';
}

export type CellInput = string | number | boolean | null | undefined | { text: string; url: string };
export type RowInput = Record<string, CellInput>;

export interface Block {
  title?: string;
  columns: Column[];
  rows: Iterable<RowInput> | AsyncIterable<RowInput>;
  /** the Excel table's name; the block becomes a real table with a filter */
  tableName: string;
  /** text written in the first column when there are no rows */
  empty?: string;
}

export interface SheetModel {
  name: string;
  /** lines above the blocks: the first is a title */
  notes?: string[];
  blocks: Block[];
  /** freeze the rows above the first block's first data row */
  freeze?: boolean;
  /** freeze this many columns on the left too (the customer's name stays while the metrics scroll) */
  freezeColumns?: number;
  picture?: Omit<PictureSpec, 'sheet'>;
}

export interface WorkbookModel {
  title: string;
  subject: string;
  created: Date;
  sheets: SheetModel[];
  /** the word after a change in percentage points: ' pts' (default) or, in Chinese, ' 个百分点' */
  pointsLabel?: string;
}

const NUM_FMT: Record<Format, string | undefined> = {
  text: '@', // text cells stay text even when edited: exported names can never become formulas
  int: '#,##0',
  pct: '0.0%',
  change: '+0.0" pts";-0.0" pts";0.0" pts"', // a change of a rate, stored in points (× 100)
  date: 'yyyy-mm-dd',
  link: undefined,
  number: '#,##0.0',
  money: '#,##0.00', // an amount in the currency of its row; never summed across rows of different currencies
};

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function cellValue(v: CellInput, format: Format): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return { text: v.text, hyperlink: v.url };
  // A change of a rate is in percentage points: +0.043 is shown and stored as +4.3 pts, never as +4.3%.
  if (format === 'change' && typeof v === 'number') return Math.round(v * 1e12) / 1e10;
  if (format === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v))
    return new Date(`${v.slice(0, 10)}T00:00:00Z`);
  if (format === 'text') return String(v);
  return v;
}

/** Characters a text takes in a cell: a Chinese character (or any full-width one) takes two. */
export function textWidth(s: string): number {
  let n = 0;
  for (const ch of s)
    n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
      ch,
    )
      ? 2
      : 1;
  return n;
}

const grouped = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** How wide a value shows in its number format (an estimate in characters, for fitting the column). */
function shownWidth(v: CellInput, format: Format, pointsLabel: string): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'object') return textWidth(v.text);
  if (typeof v !== 'number') return textWidth(String(v));
  switch (format) {
    case 'pct':
      return (v * 100).toFixed(1).length + 1;
    case 'change':
      return (v * 100).toFixed(1).length + 1 + textWidth(pointsLabel);
    case 'date':
      return 10;
    case 'money':
      return grouped.format(Math.round(v * 100) / 100).length + 3;
    default:
      return grouped.format(v).length;
  }
}

async function* rowsOf(rows: Iterable<RowInput> | AsyncIterable<RowInput>): AsyncGenerator<RowInput> {
  for await (const r of rows as AsyncIterable<RowInput>) yield r;
}

export async function renderWorkbook(model: WorkbookModel): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  // Stored, not deflated: the package is compressed once, after the tables and pictures are added.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
    zip: { zlib: { level: 0 } },
  } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookWriter>[0]);
  wb.creator = 'adoption-insights';
  wb.title = model.title;
  wb.subject = model.subject;
  wb.created = model.created;
  wb.modified = model.created;

  const tables: TableSpec[] = [];
  const pictures: PictureSpec[] = [];
  const fitted = new Map<number, number[]>();
  const pointsLabel = model.pointsLabel ?? ' pts';
  const formats: Record<Format, string | undefined> = {
    ...NUM_FMT,
    change: `+0.0"${pointsLabel}";-0.0"${pointsLabel}";0.0"${pointsLabel}"`,
  };
  const usedTableNames = new Set<string>();
  for (const [index, sheet] of model.sheets.entries()) {
    const sheetNo = index + 1;
    const firstHeaderRow = (sheet.notes?.length ?? 0) + (sheet.blocks[0]?.title ? 1 : 0) + 1;
    const ws = wb.addWorksheet(sheet.name, {
      views:
        sheet.freeze || sheet.freezeColumns
          ? [
              {
                state: 'frozen',
                ySplit: sheet.freeze ? firstHeaderRow : 0,
                xSplit: sheet.freezeColumns ?? 0,
              },
            ]
          : [],
    });
    // Widths that fit the content: the header (with room for its filter button) and the widest value shown, up
    // to the column's cap. The streaming writer has written <cols> before the rows are known: the package's
    // column widths are replaced afterwards (xlsxParts.ts).
    const fit: number[] = [];
    const need = (i: number, w: number, cap: number) =>
      (fit[i] = Math.max(fit[i] ?? 6, Math.min(cap, Math.ceil(w) + 2)));
    fitted.set(sheetNo, fit);
    // Widths: the widest need of any block in each column position.
    const widths: number[] = [];
    for (const b of sheet.blocks)
      b.columns.forEach(
        (c, i) => (widths[i] = Math.max(widths[i] ?? 8, c.width ?? Math.max(10, c.header.length + 2))),
      );
    if (sheet.notes?.length) widths[0] = Math.max(widths[0] ?? 10, 14);
    ws.columns = widths.map((width) => ({ width }));

    let r = 1;
    for (const [i, note] of (sheet.notes ?? []).entries()) {
      const row = ws.getRow(r++);
      row.getCell(1).value = note;
      row.getCell(1).font =
        i === 0 ? { bold: true, size: 14 } : { italic: true, color: { argb: 'FF595959' } };
      row.commit();
    }
    for (const block of sheet.blocks) {
      if (block.title) {
        const row = ws.getRow(r++);
        row.getCell(1).value = block.title;
        row.getCell(1).font = { bold: true, size: 12 };
        row.commit();
      }
      const header = ws.getRow(r);
      block.columns.forEach((c, i) => {
        const cell = header.getCell(i + 1);
        cell.value = c.header;
        cell.font = { bold: true };
        need(i, textWidth(c.header) + 2, Math.max(c.width ?? 50, textWidth(c.header) + 4));
      });
      header.commit();
      const headerRow = r++;
      // One style object per column, shared by its cells: exceljs recognises a style object it has seen and skips
      // re-serialising it, which a fresh object per cell (what setting cell.numFmt makes) never allows.
      const styles = block.columns.map((c) => {
        const fmt = formats[c.format];
        const plain: Partial<ExcelJS.Style> = fmt ? { numFmt: fmt } : {};
        return { plain, link: { ...plain, font: { color: { argb: 'FF0563C1' }, underline: true } } };
      });
      let n = 0;
      for await (const data of rowsOf(block.rows)) {
        const row = ws.getRow(r++);
        block.columns.forEach((c, i) => {
          const cell = row.getCell(i + 1);
          need(i, shownWidth(data[c.key], c.format, pointsLabel), c.width ?? 50);
          cell.value = cellValue(data[c.key], c.format);
          cell.style = c.format === 'link' && data[c.key] ? styles[i]!.link : styles[i]!.plain;
        });
        row.commit();
        n++;
      }
      if (n === 0) {
        const row = ws.getRow(r++);
        row.getCell(1).value = block.empty ?? '(none)';
        row.commit();
        n = 1;
      }
      const last = headerRow + n;
      block.columns.forEach((c, i) => {
        const col = columnLetter(i + 1);
        const ref = `${col}${headerRow + 1}:${col}${last}`;
        if (c.flag === 'usage') {
          ws.addConditionalFormatting({
            ref,
            rules: [
              {
                type: 'colorScale',
                priority: 1,
                cfvo: [
                  { type: 'num', value: 0 },
                  { type: 'num', value: 0.5 },
                  { type: 'num', value: 1 },
                ],
                color: [{ argb: 'FFF8696B' }, { argb: 'FFFFEB84' }, { argb: 'FF63BE7B' }],
              } as ExcelJS.ConditionalFormattingRule,
            ],
          });
        } else if (c.flag === 'change') {
          ws.addConditionalFormatting({
            ref,
            rules: [
              {
                type: 'cellIs',
                operator: 'lessThan',
                formulae: ['0'],
                priority: 2,
                style: { font: { color: { argb: 'FFC00000' } } },
              },
              {
                type: 'cellIs',
                operator: 'greaterThan',
                formulae: ['0'],
                priority: 3,
                style: { font: { color: { argb: 'FF007A33' } } },
              },
            ],
          });
        }
      });
      let name = block.tableName.replace(/[^A-Za-z0-9_]/g, '_');
      while (usedTableNames.has(name)) name += '_';
      usedTableNames.add(name);
      tables.push({
        sheet: sheetNo,
        name,
        ref: `A${headerRow}:${columnLetter(block.columns.length)}${last}`,
        columns: block.columns.map((c) => c.header),
      });
      r += 1; // a blank row between blocks
    }
    if (sheet.picture) pictures.push({ ...sheet.picture, sheet: sheetNo });
    ws.commit();
  }
  await wb.commit();
  await done;
  return addTablesAndPictures(Buffer.concat(chunks), tables, pictures, fitted);
}

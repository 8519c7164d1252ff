// Renders a workbook model to .xlsx bytes. Pure: data in, bytes out (no file, no network, no clock: the package's
// dates are the model's, so the same model gives the same bytes). Every sheet goes through exceljs's streaming
// writer, so memory stays bounded however many rows there are; tables and pictures are added to the finished
// package afterwards (xlsxParts.ts).
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  cellValue,
  columnLetter,
  numberFormats,
  shownWidth,
  textWidth,
  type CellInput,
  type Format,
} from './cells.js';
import { addTablesAndPictures, type PictureSpec, type TableSpec } from './xlsxParts.js';

export type { CellInput, Format } from './cells.js';

export interface Column {
  header: string;
  key: string;
  format: Format;
  /** the widest the column may grow to fit its content (characters); default 50 */
  width?: number;
  /** conditional formatting: a red-amber-green scale on a usage figure, or red/green for a change */
  flag?: 'usage' | 'change';
}

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

/** What a list too long for one sheet says where it goes on: {sheet} is the other sheet's name, {limit} the rows. */
export interface ContinuationWords {
  continuesOn: string;
  continuedFrom: string;
}

export interface WorkbookModel {
  title: string;
  subject: string;
  /** the package's creation date, and every part's date in the zip */
  created: Date;
  sheets: SheetModel[];
  /** the word after a change in percentage points: ' pts' (default) or, in Chinese, ' 个百分点' */
  pointsLabel?: string;
  /** the rows a sheet may hold: Excel's limit, unless a test or a benchmark lowers it to see a list split */
  maxRowsPerSheet?: number;
  /** default: ENGLISH_CONTINUATION */
  continuation?: ContinuationWords;
}

/** The most rows an Excel (or LibreOffice) sheet holds. */
export const EXCEL_MAX_ROWS = 1_048_576;

export const ENGLISH_CONTINUATION: ContinuationWords = {
  continuesOn: 'The list continues on the sheet "{sheet}".',
  continuedFrom: 'Continued from the sheet "{sheet}": a sheet holds at most {limit} rows.',
};

const TITLE_FONT: Partial<ExcelJS.Font> = { bold: true, size: 14 };
const NOTE_FONT: Partial<ExcelJS.Font> = { italic: true, color: { argb: 'FF595959' } };
const BLOCK_TITLE_FONT: Partial<ExcelJS.Font> = { bold: true, size: 12 };
const LINK_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF0563C1' }, underline: true };

/** A sheet being written: its worksheet, its position, the next free row and the widths its content needs. */
interface OpenSheet {
  ws: ExcelJS.Worksheet;
  no: number;
  name: string;
  /** 1 for the sheet itself, 2 for its first continuation, … */
  part: number;
  row: number;
  fit: number[];
}

async function* rowsOf(rows: Iterable<RowInput> | AsyncIterable<RowInput>): AsyncGenerator<RowInput> {
  for await (const r of rows as AsyncIterable<RowInput>) yield r;
}

/** The name of the `n`th sheet of a list begun on `base`, within Excel's 31 characters. */
function continuationName(base: string, n: number): string {
  const suffix = ` (${n})`;
  return [...base].slice(0, 31 - suffix.length).join('') + suffix;
}

/** Conditional formatting on the flagged columns of a block's data rows. */
function flagColumns(ws: ExcelJS.Worksheet, columns: Column[], first: number, last: number): void {
  columns.forEach((c, i) => {
    const col = columnLetter(i + 1);
    const ref = `${col}${first}:${col}${last}`;
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
      const font = (argb: string) => ({ font: { color: { argb } } });
      ws.addConditionalFormatting({
        ref,
        rules: [
          { type: 'cellIs', operator: 'lessThan', formulae: ['0'], priority: 2, style: font('FFC00000') },
          { type: 'cellIs', operator: 'greaterThan', formulae: ['0'], priority: 3, style: font('FF007A33') },
        ],
      });
    }
  });
}

class WorkbookRenderer {
  readonly tables: TableSpec[] = [];
  readonly pictures: PictureSpec[] = [];
  readonly widths = new Map<number, number[]>();
  private sheets = 0;
  private readonly tableNames = new Set<string>();
  private readonly pointsLabel: string;
  private readonly formats: Record<Format, string | undefined>;
  private readonly maxRows: number;
  private readonly words: ContinuationWords;

  constructor(
    private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter,
    model: WorkbookModel,
  ) {
    this.pointsLabel = model.pointsLabel ?? ' pts';
    this.formats = numberFormats(this.pointsLabel);
    this.maxRows = model.maxRowsPerSheet ?? EXCEL_MAX_ROWS;
    // a continuation sheet needs a note, a header, a row and the line saying where the list goes on
    if (this.maxRows < 5) throw new Error(`a sheet must hold at least 5 rows (asked: ${this.maxRows})`);
    this.words = model.continuation ?? ENGLISH_CONTINUATION;
  }

  async sheet(sheet: SheetModel): Promise<void> {
    const notes = sheet.notes ?? [];
    const firstHeaderRow = notes.length + (sheet.blocks[0]?.title ? 1 : 0) + 1;
    let open = this.open(sheet, sheet.name, 1, notes, firstHeaderRow);
    if (sheet.picture) this.pictures.push({ ...sheet.picture, sheet: open.no });
    for (const block of sheet.blocks) open = await this.block(open, sheet, block);
    open.ws.commit();
  }

  /** A new worksheet, its notes written; `headerRow` is the first block's header, where the freeze goes. */
  private open(sheet: SheetModel, name: string, part: number, notes: string[], headerRow: number): OpenSheet {
    const frozen = sheet.freeze || sheet.freezeColumns;
    const ws = this.wb.addWorksheet(name, {
      views: frozen
        ? [{ state: 'frozen', ySplit: sheet.freeze ? headerRow : 0, xSplit: sheet.freezeColumns ?? 0 }]
        : [],
    });
    // Widths before the rows are known: the streaming writer writes <cols> first. The widths the content turns
    // out to need replace them in the package afterwards (xlsxParts.ts).
    const widths: number[] = [];
    for (const b of sheet.blocks)
      b.columns.forEach(
        (c, i) => (widths[i] = Math.max(widths[i] ?? 8, c.width ?? Math.max(10, c.header.length + 2))),
      );
    if (notes.length) widths[0] = Math.max(widths[0] ?? 10, 14);
    ws.columns = widths.map((width) => ({ width }));
    const open: OpenSheet = { ws, no: ++this.sheets, name, part, row: 1, fit: [] };
    this.widths.set(open.no, open.fit);
    notes.forEach((note, i) => this.line(open, note, i === 0 ? TITLE_FONT : NOTE_FONT));
    return open;
  }

  private line(open: OpenSheet, text: string, font?: Partial<ExcelJS.Font>): void {
    const row = open.ws.getRow(open.row++);
    row.getCell(1).value = text;
    if (font) row.getCell(1).font = font;
    row.commit();
  }

  /** Widths that fit the content: the widest value shown, up to the column's cap. */
  private need(open: OpenSheet, i: number, width: number, cap: number): void {
    open.fit[i] = Math.max(open.fit[i] ?? 6, Math.min(cap, Math.ceil(width) + 2));
  }

  /** The header row of a block (with room for its filter button); returns its row number. */
  private header(open: OpenSheet, block: Block): number {
    const header = open.ws.getRow(open.row);
    block.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.value = c.header;
      cell.font = { bold: true };
      this.need(open, i, textWidth(c.header) + 2, Math.max(c.width ?? 50, textWidth(c.header) + 4));
    });
    header.commit();
    return open.row++;
  }

  /**
   * A block's title, header and rows. A list longer than a sheet holds goes on on further sheets ("Inactive users
   * (2)", …), each with its own header and table; the last row of a full sheet and the first of the next say so.
   */
  private async block(first: OpenSheet, sheet: SheetModel, block: Block): Promise<OpenSheet> {
    let open = first;
    const titleRows = block.title ? 1 : 0;
    // the title, the header and a first row must fit above the line that would say where the sheet goes on
    if (open.row + titleRows + 2 > this.maxRows) open = this.continued(open, sheet, 2 + titleRows);
    if (block.title) this.line(open, block.title, BLOCK_TITLE_FONT);
    let headerRow = this.header(open, block);
    // One style object per column, shared by its cells: exceljs recognises a style object it has seen and skips
    // re-serialising it, which a fresh object per cell (what setting cell.numFmt makes) never allows.
    const styles = block.columns.map((c) => {
      const fmt = this.formats[c.format];
      const value: Partial<ExcelJS.Style> = fmt ? { numFmt: fmt } : {};
      return { value, link: { ...value, font: LINK_FONT } };
    });
    let count = 0;
    for await (const data of rowsOf(block.rows)) {
      if (open.row >= this.maxRows) {
        this.table(open, block, headerRow, count);
        open = this.continued(open, sheet, 2);
        headerRow = this.header(open, block);
        count = 0;
      }
      const row = open.ws.getRow(open.row++);
      block.columns.forEach((c, i) => {
        const cell = row.getCell(i + 1);
        this.need(open, i, shownWidth(data[c.key], c.format, this.pointsLabel), c.width ?? 50);
        cell.value = cellValue(data[c.key], c.format);
        cell.style = c.format === 'link' && data[c.key] ? styles[i]!.link : styles[i]!.value;
      });
      row.commit();
      count++;
    }
    if (count === 0) {
      this.line(open, block.empty ?? '(none)');
      count = 1;
    }
    this.table(open, block, headerRow, count);
    open.row += 1; // a blank row between blocks
    return open;
  }

  /** The sheet full: its last row says where it goes on, and the next sheet, where it comes from. */
  private continued(open: OpenSheet, sheet: SheetModel, headerRow: number): OpenSheet {
    const next = continuationName(sheet.name, open.part + 1);
    open.row = Math.min(open.row, this.maxRows);
    this.line(open, this.words.continuesOn.replace('{sheet}', next), NOTE_FONT);
    open.ws.commit();
    const from = this.words.continuedFrom
      .replace('{sheet}', open.name)
      .replace('{limit}', this.maxRows.toLocaleString('en'));
    return this.open(sheet, next, open.part + 1, [from], headerRow);
  }

  /** The block's rows on this sheet become an Excel table, their flagged columns formatted. */
  private table(open: OpenSheet, block: Block, headerRow: number, rows: number): void {
    const last = headerRow + Math.max(rows, 1);
    flagColumns(open.ws, block.columns, headerRow + 1, last);
    let name = block.tableName.replace(/[^A-Za-z0-9_]/g, '_');
    while (this.tableNames.has(name)) name += '_';
    this.tableNames.add(name);
    this.tables.push({
      sheet: open.no,
      name,
      ref: `A${headerRow}:${columnLetter(block.columns.length)}${last}`,
      columns: block.columns.map((c) => c.header),
    });
  }
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
  const renderer = new WorkbookRenderer(wb, model);
  for (const sheet of model.sheets) await renderer.sheet(sheet);
  await wb.commit();
  await done;
  const { tables, pictures, widths } = renderer;
  return addTablesAndPictures(chunks, { tables, pictures, widths, mtime: model.created });
}

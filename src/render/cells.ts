// A workbook cell's value, number format and shown width, from a row's value and its column's format. Pure.
import type ExcelJS from 'exceljs';

export type Format = 'text' | 'int' | 'pct' | 'change' | 'date' | 'link' | 'money';

export type CellInput = string | number | boolean | null | undefined | { text: string; url: string };

const NUM_FMT: Record<Format, string | undefined> = {
  text: '@', // text cells stay text even when edited: exported names can never become formulas
  int: '#,##0',
  pct: '0.0%',
  change: '', // set per workbook: the word after the points is the reader's language
  date: 'yyyy-mm-dd',
  link: undefined,
  money: '#,##0.00', // an amount in the currency of its row; never summed across rows of different currencies
};

/** The number formats of a workbook whose changes of a rate are followed by `pointsLabel`. */
export function numberFormats(pointsLabel: string): Record<Format, string | undefined> {
  // a change of a rate is stored in points (× 100)
  return { ...NUM_FMT, change: `+0.0"${pointsLabel}";-0.0"${pointsLabel}";0.0"${pointsLabel}"` };
}

export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export function cellValue(v: CellInput, format: Format): ExcelJS.CellValue {
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
export function shownWidth(v: CellInput, format: Format, pointsLabel: string): number {
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

// Reading a worksheet back as rows keyed by header, for cell-by-cell checks.
import type ExcelJS from 'exceljs';

/** The rows under the header row, as header → cell, up to the first empty row. */
export function rowsOf(ws: ExcelJS.Worksheet, headerRow = 1): Record<string, ExcelJS.Cell>[] {
  const headers = (ws.getRow(headerRow).values as unknown[]).slice(1).map(String);
  const out: Record<string, ExcelJS.Cell>[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (!row.hasValues) break;
    out.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1)])));
  }
  return out;
}

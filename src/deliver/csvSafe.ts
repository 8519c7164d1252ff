// CSV and JSON exports opened in a spreadsheet: a text value that starts with =, +, -, @, tab or carriage return
// is read as a formula (the OWASP CSV-injection rule), so it is written with a leading single quote, which a
// spreadsheet shows as text. `--raw` turns this off for machines. One rule, two forms: for a value, and for SQL.

/** The characters that make a spreadsheet read a cell as a formula. */
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'] as const;

/** The value as a spreadsheet must see it: text. Pure. */
export function spreadsheetSafe(value: string): string {
  return value.length > 0 && (FORMULA_STARTS as readonly string[]).includes(value[0]!) ? `'${value}` : value;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The SELECT list that writes every text column of `columns` through spreadsheetSafe's rule, other columns as they
 * are (a negative number is a number, not text). Pure: identifiers come from the table's own description.
 */
export function spreadsheetSafeSelect(columns: { name: string; type: string }[]): string {
  const starts = FORMULA_STARTS.map((c) => `chr(${c.charCodeAt(0)})`).join(', ');
  return columns
    .map(({ name, type }) => {
      const col = quoteIdent(name);
      return /^VARCHAR$/i.test(type)
        ? `CASE WHEN left(${col}, 1) IN (${starts}) THEN '''' || ${col} ELSE ${col} END AS ${col}`
        : col;
    })
    .join(', ');
}

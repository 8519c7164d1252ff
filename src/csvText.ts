// CSV as the drops' files are written: RFC 4180 quoting only where a value needs it.

/** RFC 4180 quoting: only where needed, doubling quotes. */
function csvField(v: string | number | boolean | undefined | null): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLines(
  header: string[],
  rows: (string | number | boolean | undefined | null)[][],
  eol = '\r\n',
): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join(eol) + eol;
}

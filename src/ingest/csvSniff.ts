// Reads the start of a CSV file to learn its encoding, delimiter and header, so that DuckDB can then read the
// whole file with its columns given by name (no per-file type sniffing, which is slow and guesses).

export type CsvEncoding = 'utf-8' | 'utf-16' | 'latin-1';

export interface CsvSniff {
  encoding: CsvEncoding;
  delimiter: string;
  header: string[];
}

export class CsvSniffError extends Error {}

const DELIMITERS = [',', ';', '\t', '|'];

function decodeStart(buf: Buffer): { text: string; encoding: CsvEncoding } {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf-16' };
  }
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    throw new CsvSniffError(
      'is UTF-16 big-endian; save it as UTF-8 (or UTF-16 little-endian) and export again',
    );
  }
  const body =
    buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  return { text: body.toString('utf8'), encoding: 'utf-8' };
}

/** Splits one CSV record; quotes may hold the delimiter and doubled quotes. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out.map((f) => f.trim());
}

/** `start` is the first bytes of the file (64 KiB is plenty for a header). */
export function sniffCsv(start: Buffer): CsvSniff {
  if (start.length === 0) throw new CsvSniffError('is empty (not even a header line)');
  const { text, encoding } = decodeStart(start);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.trim() === '') throw new CsvSniffError('has an empty first line where the header should be');
  const counts = DELIMITERS.map((delimiter) => splitCsvLine(firstLine, delimiter).length);
  const best = counts.indexOf(Math.max(...counts));
  const delimiter = DELIMITERS[best]!;
  return { encoding, delimiter, header: splitCsvLine(firstLine, delimiter) };
}

/** Header names compare case-, space- and punctuation-insensitively: "Is Deleted" = "is_deleted". */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

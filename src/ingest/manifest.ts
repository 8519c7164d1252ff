// manifest.json, written last by the exporter: which files the drop should hold, with their sizes, sha256 and
// CSV row counts. A drop that disagrees with its manifest is incomplete (still being copied) or damaged.

export interface ManifestEntry {
  path: string;
  bytes?: number;
  sha256?: string;
  rows?: number;
}

export type ManifestParse = { entries: ManifestEntry[] } | { error: string };

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Accepts `{ "files": [ { "path", "bytes", "sha256", "rows" } ] }` (what the demo exporter writes) and the
 * spellings exporters commonly use: name/file for path, size for bytes, hash for sha256, rowCount for rows, and
 * `files` as an object keyed by path.
 */
export function parseManifest(bytes: Buffer): ManifestParse {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    return { error: `is not valid JSON (${(err as Error).message})` };
  }
  const files = (doc as { files?: unknown } | null)?.files;
  const list: unknown[] = Array.isArray(files)
    ? files
    : files && typeof files === 'object'
      ? Object.entries(files as Record<string, unknown>).map(([k, v]) => ({
          path: k,
          ...(v as object),
        }))
      : [];
  if (!files) return { error: 'has no "files" list' };
  const entries: ManifestEntry[] = [];
  for (const [i, raw] of list.entries()) {
    const e = raw as Record<string, unknown>;
    const p = e.path ?? e.name ?? e.file;
    if (typeof p !== 'string' || !p) return { error: `files[${i}] has no "path"` };
    const sha = e.sha256 ?? e.hash;
    entries.push({
      path: p.replace(/\\/g, '/').replace(/^\.\//, ''),
      bytes: num(e.bytes ?? e.size),
      sha256: typeof sha === 'string' ? sha.toLowerCase() : undefined,
      rows: num(e.rows ?? e.rowCount ?? e.row_count),
    });
  }
  return { entries };
}

export interface FileFacts {
  rel: string;
  bytes: number;
  sha256: string;
  /** data rows, when they were counted */
  rows?: number;
}

export interface ManifestProblem {
  file: string;
  /** missing: listed but absent; mismatch: present but not the file described; unlisted: present, not listed */
  kind: 'missing' | 'mismatch' | 'unlisted';
  message: string;
}

/** Where the drop and its manifest disagree. Pure. */
export function compareManifest(
  entries: readonly ManifestEntry[],
  files: readonly FileFacts[],
): ManifestProblem[] {
  const byRel = new Map(files.map((f) => [f.rel.toLowerCase(), f]));
  const listed = new Set<string>();
  const problems: ManifestProblem[] = [];
  for (const e of entries) {
    const key = e.path.toLowerCase();
    listed.add(key);
    const f = byRel.get(key);
    if (!f) {
      problems.push({
        file: e.path,
        kind: 'missing',
        message: 'is listed in manifest.json but not in the drop',
      });
      continue;
    }
    if (e.bytes !== undefined && e.bytes !== f.bytes) {
      problems.push({
        file: f.rel,
        kind: 'mismatch',
        message: `is ${f.bytes} bytes; manifest.json says ${e.bytes} (still being copied, or damaged)`,
      });
    } else if (e.sha256 && f.sha256 && e.sha256 !== f.sha256) {
      problems.push({
        file: f.rel,
        kind: 'mismatch',
        message: `has sha256 ${f.sha256.slice(0, 12)}…; manifest.json says ${e.sha256.slice(0, 12)}… (the file changed after the export)`,
      });
    } else if (e.rows !== undefined && f.rows !== undefined && e.rows !== f.rows) {
      problems.push({
        file: f.rel,
        kind: 'mismatch',
        message: `has ${f.rows} data rows; manifest.json says ${e.rows}`,
      });
    }
  }
  for (const f of files) {
    if (f.rel.toLowerCase() === 'manifest.json' || listed.has(f.rel.toLowerCase())) continue;
    problems.push({ file: f.rel, kind: 'unlisted', message: 'is in the drop but not in manifest.json' });
  }
  return problems;
}

/**
 * Counts CSV records (non-empty lines outside quoted fields) as bytes stream past, so that a file's rows are
 * counted in the same read that hashes it. Works on UTF-8 and other ASCII-compatible encodings.
 */
export class CsvRecordCounter {
  private inQuotes = false;
  private lineHasContent = false;
  records = 0;

  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    // The next quote is looked up once and reused until passed: a file without quotes is scanned once, not once
    // per line.
    let quote = chunk.indexOf(0x22);
    while (i < n) {
      if (quote >= 0 && quote < i) quote = chunk.indexOf(0x22, i);
      if (this.inQuotes) {
        if (quote < 0) return;
        this.inQuotes = false; // a doubled quote reopens on the next byte
        i = quote + 1;
        continue;
      }
      const nl = chunk.indexOf(0x0a, i);
      if (quote >= 0 && (nl < 0 || quote < nl)) {
        this.lineHasContent = true;
        this.inQuotes = true;
        i = quote + 1;
        continue;
      }
      const end = nl < 0 ? n : nl;
      for (let k = i; k < end && !this.lineHasContent; k++) {
        const b = chunk[k]!;
        if (b !== 0x0d && b !== 0x20 && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf)
          this.lineHasContent = true;
      }
      if (nl < 0) return;
      if (this.lineHasContent) this.records++;
      this.lineHasContent = false;
      i = nl + 1;
    }
  }

  /** Data rows: records after the header. */
  dataRows(): number {
    const records = this.records + (this.lineHasContent ? 1 : 0);
    return Math.max(0, records - 1);
  }
}

export function countCsvRows(bytes: Buffer): number {
  const c = new CsvRecordCounter();
  c.push(bytes);
  return c.dataRows();
}

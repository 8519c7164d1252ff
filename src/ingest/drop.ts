// Finds the files of one nightly drop and says what each one is. Reads no file content but to hash it.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadIssue } from './issues.js';
import { normaliseGuid } from './values.js';
import {
  compareManifest,
  countCsvRows,
  CsvRecordCounter,
  parseManifest,
  type ManifestEntry,
  type ManifestProblem,
} from './manifest.js';

export type SourceKind =
  | 'customers'
  | 'tickets'
  | 'manifest'
  | 'pc_subscriptions'
  | 'pc_deployment'
  | 'pc_usage'
  | 'pc_pricesheet'
  | 'pc_offermatrix'
  | 'graph_users'
  | 'graph_subscriptions'
  | 'graph_subscribed_skus'
  | 'graph_copilot'
  | 'collect_report'
  | 'unknown';

export interface DropFile {
  rel: string; // '/'-separated, relative to the drop folder
  abs: string;
  kind: SourceKind;
  customerId?: string;
  bytes: number;
  sha256: string;
  /** set when the file must not be read (too large, outside the drop); it is listed but set aside */
  refused?: string;
  refusedCode?: 'bad_tenant_folder' | 'file_too_large' | 'manifest_mismatch';
  /** CSV data rows, counted while hashing when the manifest gives a count to check */
  rows?: number;
  /** a small JSON file's bytes, kept from hashing so that it is read once */
  content?: Buffer;
  /** a CSV file's header line, kept from hashing so that sniffing its layout reads nothing again */
  head?: Buffer;
}

/** Files up to this size are read whole (hashed and, for JSON, kept); larger ones are streamed. */
const READ_WHOLE_BYTES = 8 * 1024 * 1024;

const TOP_LEVEL: Record<string, SourceKind> = {
  'customers.csv': 'customers',
  'tickets.csv': 'tickets',
  'manifest.json': 'manifest',
  'partner-center/subscriptions.json': 'pc_subscriptions',
  'partner-center/licenses-deployment.json': 'pc_deployment',
  'partner-center/licenses-usage.json': 'pc_usage',
  'partner-center/pricesheet.csv': 'pc_pricesheet',
  'partner-center/pricesheet.zip': 'pc_pricesheet',
  'partner-center/offermatrix.csv': 'pc_offermatrix',
  'partner-center/offermatrix.zip': 'pc_offermatrix',
  // written by `collect`: the customers it could not collect
  'collect-report.json': 'collect_report',
};

const TENANT_FILES: Record<string, SourceKind> = {
  'office365activeuserdetail.csv': 'graph_users',
  'subscriptions.json': 'graph_subscriptions',
  'subscribedskus.json': 'graph_subscribed_skus',
  'copilotusageuserdetail.csv': 'graph_copilot',
};

export function classify(rel: string): { kind: SourceKind; customerId?: string; tenantFolder?: string } {
  const lower = rel.toLowerCase();
  if (TOP_LEVEL[lower]) return { kind: TOP_LEVEL[lower] };
  const m = /^tenants\/([^/]+)\/([^/]+)$/.exec(rel);
  if (m) {
    const kind = TENANT_FILES[m[2]!.toLowerCase()] ?? 'unknown';
    return { kind, customerId: normaliseGuid(m[1]), tenantFolder: m[1] };
  }
  return { kind: 'unknown' };
}

export async function sha256File(file: string): Promise<string> {
  // Used for large files; small ones are hashed from one read (see discoverDrop).
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file below the drop folder: one recursive listing; symbolic links are followed only inside the drop. */
async function listFiles(dropDir: string, realRoot: string, issues: LoadIssue[]): Promise<string[]> {
  const out: string[] = [];
  // One synchronous walk: tens of thousands of tenant folders, each a round trip through the thread pool otherwise.
  const entries = readdirSync(dropDir, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const abs = path.join(e.parentPath, e.name);
    if (e.isFile()) {
      out.push(abs);
    } else if (e.isSymbolicLink()) {
      // A link may point anywhere on the machine; read it only if it stays inside the drop.
      const rel = path.relative(dropDir, abs).split(path.sep).join('/');
      const target = await realpath(abs).catch(() => undefined);
      if (!target || !(target + path.sep).startsWith(realRoot + path.sep)) {
        issues.push({
          severity: 'error',
          code: 'symlink_outside_drop',
          file: rel,
          message: 'is a symbolic link pointing outside the drop folder; not read',
        });
      } else if ((await stat(abs)).isFile()) {
        out.push(abs);
      }
    }
  }
  return out.sort();
}

export interface DropManifest {
  present: boolean;
  /** manifest.json could not be read */
  error?: string;
  problems: ManifestProblem[];
}

export interface DiscoveredDrop {
  files: DropFile[];
  issues: LoadIssue[];
  manifest: DropManifest;
}

function isUtf16(bytes: Buffer): boolean {
  return (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  );
}

/** Hashes a large file, counting its CSV rows in the same read when asked. */
async function hashStream(file: string, countRows: boolean): Promise<{ sha256: string; rows?: number }> {
  const hash = createHash('sha256');
  const counter = countRows ? new CsvRecordCounter() : null;
  let first = true;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    if (first && counter && isUtf16(buf)) return { sha256: await sha256File(file) };
    first = false;
    hash.update(buf);
    counter?.push(buf);
  }
  return { sha256: hash.digest('hex'), rows: counter?.dataRows() };
}

/** The entries of manifest.json; an unreadable or oversized manifest is noted in `manifest.error`. */
async function readManifest(
  manifestPath: string | undefined,
  maxFileBytes: number,
  manifest: DropManifest,
): Promise<ManifestEntry[]> {
  if (!manifestPath) return [];
  const parsed =
    (await stat(manifestPath)).size > maxFileBytes
      ? { error: `is over the limit of ${maxFileBytes} bytes (ingest.maxFileBytes)` }
      : parseManifest(await readFile(manifestPath));
  if ('error' in parsed) {
    manifest.error = parsed.error;
    return [];
  }
  return parsed.entries;
}

/** A CSV file's first line (up to 64 KiB), copied out of its bytes: all that sniffing its layout reads. */
function headerLine(bytes: Buffer): Buffer | undefined {
  // UTF-16's line break is two bytes: such a file is sniffed from its own start (csvLayout.ts).
  if (isUtf16(bytes)) return undefined;
  const end = bytes.subarray(0, 65536).indexOf(0x0a);
  return Buffer.from(bytes.subarray(0, end < 0 ? Math.min(bytes.length, 65536) : end + 1));
}

/**
 * Reads a file of at most READ_WHOLE_BYTES into `scratch` (one buffer for the whole night: no allocation, and no
 * garbage, per file), with its size from the open file; larger files are left unread. The bytes are a view of
 * `scratch`, valid until the next read.
 */
function readSmall(abs: string, scratch: Buffer): { size: number; bytes?: Buffer } {
  const fd = openSync(abs, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > scratch.length) return { size };
    let read = 0;
    while (read < size) {
      const n = readSync(fd, scratch, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { size, bytes: scratch.subarray(0, read) };
  } finally {
    closeSync(fd);
  }
}

/**
 * One file of the drop: what it is, its size and hash, and (when the manifest gives a row count but no sha256 to
 * check it against) its CSV row count. Small files are read synchronously: thousands of them a night, and a read
 * through the thread pool costs several times a direct one; nothing else waits on this process.
 */
async function describeFile(
  dropDir: string,
  abs: string,
  limits: { maxFileBytes: number; rowsWanted: Set<string>; scratch: Buffer },
): Promise<DropFile> {
  const { maxFileBytes, rowsWanted } = limits;
  const rel = path.relative(dropDir, abs).split(path.sep).join('/');
  const { kind, customerId, tenantFolder } = classify(rel);
  const file: DropFile = { rel, abs, kind, customerId, bytes: 0, sha256: '' };
  const lower = rel.toLowerCase();
  const csv = lower.endsWith('.csv');
  // The price list's documented header ends with a typographic quote ("ERP Price“) that would throw a quote
  // counter off for the whole file: its size and sha256 are checked, not its row count.
  const countRows = rowsWanted.has(lower) && csv && kind !== 'pc_pricesheet';
  if (tenantFolder !== undefined && !customerId) {
    file.bytes = (await stat(abs)).size;
    file.refused = `tenant folder "${tenantFolder}" is not a tenant GUID`;
    file.refusedCode = 'bad_tenant_folder';
    return file;
  }
  const { size, bytes } = readSmall(
    abs,
    limits.scratch.subarray(0, Math.min(READ_WHOLE_BYTES, maxFileBytes)),
  );
  file.bytes = size;
  if (size > maxFileBytes) {
    file.refused = `is ${size} bytes, over the limit of ${maxFileBytes} (ingest.maxFileBytes)`;
    file.refusedCode = 'file_too_large';
  } else if (bytes) {
    file.sha256 = createHash('sha256').update(bytes).digest('hex');
    if (countRows && !isUtf16(bytes)) file.rows = countCsvRows(bytes);
    // Copies: the bytes are the shared scratch buffer's.
    if (lower.endsWith('.json')) file.content = Buffer.from(bytes);
    else if (csv) file.head = headerLine(bytes);
  } else {
    const h = await hashStream(abs, countRows);
    file.sha256 = h.sha256;
    file.rows = h.rows;
  }
  return file;
}

/** Files that disagree with the manifest are refused; files it lists and the drop lacks, or the reverse, noted. */
function checkManifest(
  files: DropFile[],
  entries: ManifestEntry[],
  manifest: DropManifest,
  issues: LoadIssue[],
): void {
  manifest.problems = compareManifest(
    entries,
    files.filter((f) => !f.refused),
  );
  const byRel = new Map(files.map((f) => [f.rel, f]));
  for (const p of manifest.problems) {
    const f = byRel.get(p.file);
    if (p.kind === 'mismatch' && f) {
      // Not the file the exporter described: loading it could mix a half-copied or edited file into the night.
      f.refused = `${p.message}; set aside`;
      f.refusedCode = 'manifest_mismatch';
    } else if (p.kind === 'missing') {
      issues.push({ severity: 'error', code: 'manifest_missing_file', file: p.file, message: p.message });
    } else if (p.kind === 'unlisted') {
      issues.push({
        severity: 'warning',
        code: 'not_in_manifest',
        file: p.file,
        message: `${p.message}; loaded anyway`,
      });
    }
  }
}

function fileIssues(files: DropFile[]): LoadIssue[] {
  const issues: LoadIssue[] = [];
  for (const file of files) {
    if (file.refused) {
      const code = file.refusedCode ?? 'file_too_large';
      issues.push({
        severity: 'error',
        code,
        file: file.rel,
        message:
          code === 'manifest_mismatch'
            ? file.refused
            : `${file.refused}; ${code === 'bad_tenant_folder' ? 'the file is not read' : 'not read'}`,
      });
    } else if (file.kind === 'unknown') {
      issues.push({
        severity: 'info',
        code: 'unknown_file',
        file: file.rel,
        message: 'is not a file this job reads; ignored',
      });
    }
  }
  return issues;
}

export async function discoverDrop(dropDir: string, maxFileBytes: number): Promise<DiscoveredDrop> {
  const issues: LoadIssue[] = [];
  const realRoot = await realpath(dropDir);
  const paths = await listFiles(dropDir, realRoot, issues);
  const manifestPath = paths.find((abs) => path.relative(dropDir, abs).toLowerCase() === 'manifest.json');
  const manifest: DropManifest = { present: Boolean(manifestPath), problems: [] };
  const entries = await readManifest(manifestPath, maxFileBytes, manifest);
  // A file whose sha256 is the manifest's holds the exporter's bytes, rows included: counting them again would
  // only re-check the exporter's arithmetic, at the cost of a second scan of every byte of the night.
  const rowsWanted = new Set(
    entries.filter((e) => e.rows !== undefined && !e.sha256).map((e) => e.path.toLowerCase()),
  );
  const files: DropFile[] = [];
  const limits = { maxFileBytes, rowsWanted, scratch: Buffer.allocUnsafe(READ_WHOLE_BYTES) };
  for (const [i, abs] of paths.entries()) {
    files.push(await describeFile(dropDir, abs, limits));
    // Let timers and signals through now and then: a night is tens of thousands of files.
    if (i % 512 === 511) await new Promise((resolve) => setImmediate(resolve));
  }
  if (manifestPath && !manifest.error) {
    checkManifest(files, entries, manifest, issues);
  } else if (manifest.error) {
    issues.push({
      severity: 'error',
      code: 'bad_manifest',
      file: 'manifest.json',
      message: `${manifest.error}; the drop is loaded without checking it against the manifest`,
    });
  } else {
    issues.push({
      severity: 'info',
      code: 'no_manifest',
      file: 'manifest.json',
      message: 'is missing: the files could not be checked against what the exporter wrote',
    });
  }
  issues.push(...fileIssues(files));
  return { files, issues, manifest };
}

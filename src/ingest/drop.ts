// Finds the files of one nightly drop and says what each one is. Reads no file content but to hash it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadIssue } from './issues.js';
import { normaliseGuid } from './jsonSources.js';
import { mapPool } from './pool.js';

export type SourceKind =
  | 'customers'
  | 'tickets'
  | 'manifest'
  | 'pc_subscriptions'
  | 'pc_deployment'
  | 'pc_usage'
  | 'graph_users'
  | 'graph_subscriptions'
  | 'graph_subscribed_skus'
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
  /** a small JSON file's bytes, kept from hashing so that it is read once */
  content?: Buffer;
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
};

const TENANT_FILES: Record<string, SourceKind> = {
  'office365activeuserdetail.csv': 'graph_users',
  'subscriptions.json': 'graph_subscriptions',
  'subscribedskus.json': 'graph_subscribed_skus',
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
  const entries = await readdir(dropDir, { recursive: true, withFileTypes: true });
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

export async function discoverDrop(
  dropDir: string,
  maxFileBytes: number,
): Promise<{ files: DropFile[]; issues: LoadIssue[] }> {
  const issues: LoadIssue[] = [];
  const realRoot = await realpath(dropDir);
  const paths = await listFiles(dropDir, realRoot, issues);
  // Thousands of small files a night: stat and hash them several at a time.
  const files = await mapPool(paths, 16, async (abs) => {
    const rel = path.relative(dropDir, abs).split(path.sep).join('/');
    const { kind, customerId, tenantFolder } = classify(rel);
    const { size } = await stat(abs);
    const file: DropFile = { rel, abs, kind, customerId, bytes: size, sha256: '' };
    if (tenantFolder !== undefined && !customerId) {
      file.refused = `tenant folder "${tenantFolder}" is not a tenant GUID`;
    } else if (size > maxFileBytes) {
      file.refused = `is ${size} bytes, over the limit of ${maxFileBytes} (ingest.maxFileBytes)`;
    } else if (size <= READ_WHOLE_BYTES) {
      const bytes = await readFile(abs);
      file.sha256 = createHash('sha256').update(bytes).digest('hex');
      if (rel.toLowerCase().endsWith('.json')) file.content = bytes;
    } else {
      file.sha256 = await sha256File(abs);
    }
    return file;
  });
  for (const file of files) {
    if (file.refused) {
      const code = file.refused.startsWith('tenant folder') ? 'bad_tenant_folder' : 'file_too_large';
      issues.push({
        severity: 'error',
        code,
        file: file.rel,
        message: `${file.refused}; ${code === 'bad_tenant_folder' ? 'the file is not read' : 'not read'}`,
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
  return { files, issues };
}

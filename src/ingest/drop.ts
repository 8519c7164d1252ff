// Finds the files of one nightly drop and says what each one is. Reads no file content but to hash it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadIssue } from './issues.js';
import { normaliseGuid } from './jsonSources.js';

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
}

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
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function walk(
  dir: string,
  root: string,
  out: string[],
  issues: LoadIssue[],
  realRoot: string,
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const info = await lstat(abs);
    if (info.isSymbolicLink()) {
      // A link may point anywhere on the machine; read it only if it stays inside the drop.
      const target = await realpath(abs).catch(() => undefined);
      if (!target || !(target + path.sep).startsWith(realRoot + path.sep)) {
        issues.push({
          severity: 'error',
          code: 'symlink_outside_drop',
          file: rel,
          message: 'is a symbolic link pointing outside the drop folder; not read',
        });
        continue;
      }
      const tinfo = await stat(abs);
      if (tinfo.isDirectory()) await walk(abs, root, out, issues, realRoot);
      else if (tinfo.isFile()) out.push(abs);
      continue;
    }
    if (info.isDirectory()) await walk(abs, root, out, issues, realRoot);
    else if (info.isFile()) out.push(abs);
  }
}

export async function discoverDrop(
  dropDir: string,
  maxFileBytes: number,
): Promise<{ files: DropFile[]; issues: LoadIssue[] }> {
  const issues: LoadIssue[] = [];
  const paths: string[] = [];
  const realRoot = await realpath(dropDir);
  await walk(dropDir, dropDir, paths, issues, realRoot);
  const files: DropFile[] = [];
  for (const abs of paths) {
    const rel = path.relative(dropDir, abs).split(path.sep).join('/');
    const { kind, customerId, tenantFolder } = classify(rel);
    const { size } = await stat(abs);
    const file: DropFile = { rel, abs, kind, customerId, bytes: size, sha256: '' };
    if (tenantFolder !== undefined && !customerId) {
      file.refused = `tenant folder "${tenantFolder}" is not a tenant GUID`;
      issues.push({
        severity: 'error',
        code: 'bad_tenant_folder',
        file: rel,
        message: `${file.refused}; the file is not read`,
      });
    } else if (size > maxFileBytes) {
      file.refused = `is ${size} bytes, over the limit of ${maxFileBytes} (ingest.maxFileBytes)`;
      issues.push({
        severity: 'error',
        code: 'file_too_large',
        file: rel,
        message: `${file.refused}; not read`,
      });
    }
    if (!file.refused) file.sha256 = await sha256File(abs);
    if (kind === 'unknown' && !file.refused) {
      issues.push({
        severity: 'info',
        code: 'unknown_file',
        file: rel,
        message: 'is not a file this job reads; ignored',
      });
    }
    files.push(file);
  }
  return { files, issues };
}

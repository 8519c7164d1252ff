// Written output goes to a temporary name beside its target and is renamed into place, so that a crash or a full
// disk never leaves half a file where a user looks.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { processAlive } from '../processAlive.js';

/** What a full or read-only disk means to the person who reads the message. */
const DISK_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EFBIG: 'the file is larger than this system allows',
};

/**
 * Removes the temporary files a killed writer of `file` left beside it (`.<name>.<pid>[.<stamp>].tmp`), unless
 * their process is still alive (a writer at work). Writers call it before they start, so that nothing piles up.
 */
export function removeLeftoverTemporaries(file: string): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(`.${base}.`) || !name.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)(?:\.\d+)?$/.exec(name.slice(base.length + 2, -4))?.[1]);
    if (!Number.isInteger(pid) || (pid !== process.pid && processAlive(pid))) continue;
    rmSync(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * mkdir -p that reports the real cause: Node's recursive mkdir says ENOENT on a read-only file system, so the
 * first missing folder is made on its own to learn why (EROFS, EACCES, ENOSPC).
 */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    let missing = path.resolve(dir);
    while (!existsSync(path.dirname(missing)) && path.dirname(missing) !== missing)
      missing = path.dirname(missing);
    mkdirSync(missing);
    throw err;
  }
}

export function writeFileAtomic(file: string, data: Buffer | string): void {
  removeLeftoverTemporaries(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    makeDir(path.dirname(file));
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw plainDiskError(err, file);
  }
}

/** A full or read-only disk as a plain message about `file` (the environment, not a bug); anything else as it is. */
export function plainDiskError(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  // Whatever was at `file` before is untouched.
  return DISK_PROBLEMS[code]
    ? new UserError(`cannot write ${file}: ${DISK_PROBLEMS[code]} (${code}); nothing was written there`)
    : err;
}

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * A file-name part safe on Windows, macOS and Linux whatever the input holds: no separators, no '..', no control
 * or bidirectional-override characters, no reserved device names, at most `max` characters.
 */
export function safeFileName(input: string, max = 60): string {
  const cleaned = input
    .normalize('NFKC')
    // Control and bidirectional-override characters are exactly what must go.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[^\p{L}\p{N}._@-]+/gu, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max)
    .replace(/[-.]+$/g, '');
  const name = cleaned || 'unnamed';
  return RESERVED.test(name.split('.')[0]!) ? `_${name}` : name;
}

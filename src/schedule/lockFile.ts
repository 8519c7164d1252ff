// A lock file beside the warehouse: who holds it (process, host, what for) and a heartbeat, so that a lock left by
// a crashed or killed process is recognised as stale and taken over, and a live one is named in the message.
import {
  closeSync,
  realpathSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../processAlive.js';
import { UserError } from '../errors.js';

/**
 * The warehouse's real path (symbolic links and `..` resolved), so that two paths to one file share one lock. A
 * warehouse not created yet: its folder's real path and its name.
 */
export function realWarehousePath(file: string): string {
  const abs = path.resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

export interface LockInfo {
  pid: number;
  host: string;
  /** what the holder is: "adoption schedule", "ingest of 2026-11-23 (due …)" */
  purpose: string;
  startedAt: string;
  heartbeatAt: string;
}

export class LockHeldError extends UserError {
  constructor(
    readonly file: string,
    readonly holder: LockInfo | null,
    what: string,
  ) {
    super(
      holder
        ? `${what}: process ${holder.pid} on ${holder.host} holds ${file} (${holder.purpose}, since ${holder.startedAt})`
        : `${what}: ${file} is held by another process`,
      4,
    );
  }
}

export interface Lock {
  readonly file: string;
  readonly info: LockInfo;
  /** Rewrites the heartbeat (and optionally what the holder is doing). */
  refresh(purpose?: string): void;
  release(): void;
}

export interface LockOptions {
  purpose: string;
  /** a lock whose heartbeat is older than this is stale */
  staleAfterMs: number;
  now?: () => number;
  /** for tests: whether a process is alive */
  isAlive?: (pid: number) => boolean;
  /** for tests: runs after a lock was judged stale and before it is moved aside (where a rival can step in) */
  beforeTakeover?: () => void;
}

function parseLock(text: string): LockInfo | null {
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function readLock(file: string): LockInfo | null {
  const text = readText(file);
  return text === null ? null : parseLock(text);
}

/** A lock file as it was judged: its inode and its text, to recognise it again once moved. */
function identity(file: string): string | null {
  try {
    return `${statSync(file).ino}:${readFileSync(file, 'utf8')}`;
  } catch {
    return null;
  }
}

/** Why a lock is stale, or null if its holder is alive and recent. */
export function staleReason(
  file: string,
  info: LockInfo | null,
  opts: Pick<LockOptions, 'staleAfterMs' | 'now' | 'isAlive'>,
): string | null {
  const now = (opts.now ?? Date.now)();
  const isAlive = opts.isAlive ?? processAlive;
  if (!info) {
    // Unreadable: a holder that died while writing it. Give a live writer a moment before taking it.
    const age = now - statSync(file).mtimeMs;
    return age > Math.min(opts.staleAfterMs, 10_000) ? 'unreadable lock file' : null;
  }
  if (info.host === os.hostname() && !isAlive(info.pid)) return `process ${info.pid} is no longer running`;
  const beat = Date.parse(info.heartbeatAt);
  if (!Number.isFinite(beat) || now - beat > opts.staleAfterMs)
    return `no heartbeat since ${info.heartbeatAt} (lock timeout ${Math.round(opts.staleAfterMs / 1000)} s)`;
  return null;
}

function writeInfo(fd: number, info: LockInfo): void {
  writeSync(fd, `${JSON.stringify(info)}\n`);
}

/**
 * Takes the lock, or throws LockHeldError naming its holder. A stale lock (dead process on this host, or no
 * heartbeat within staleAfterMs) is taken over; `onStale` hears about it.
 */
export function acquireLock(
  file: string,
  opts: LockOptions & { what: string; onStale?: (previous: LockInfo | null, reason: string) => void },
): Lock {
  const now = opts.now ?? Date.now;
  for (let attempt = 0; attempt < 3; attempt++) {
    const stamp = new Date(now()).toISOString();
    const info: LockInfo = {
      pid: process.pid,
      host: os.hostname(),
      purpose: opts.purpose,
      startedAt: stamp,
      heartbeatAt: stamp,
    };
    try {
      const fd = openSync(file, 'wx');
      try {
        writeInfo(fd, info);
      } finally {
        closeSync(fd);
      }
      return makeLock(file, info, now);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const judged = identity(file);
    if (judged === null) continue; // it vanished: try again
    const holder = parseLock(judged.slice(judged.indexOf(':') + 1));
    let reason: string | null;
    try {
      reason = staleReason(file, holder, opts);
    } catch {
      continue; // it vanished between open and stat: try again
    }
    if (!reason) throw new LockHeldError(file, holder, opts.what);
    opts.beforeTakeover?.();
    // Move the stale file aside rather than deleting it, then check that what moved is the file judged stale: a
    // rival may have taken it over in between and written its own fresh lock, which is then put back (a link
    // fails rather than overwrite a lock made since) and this process retries against it.
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // someone else moved it first
    }
    if (identity(aside) === judged) {
      unlinkSync(aside);
      opts.onStale?.(holder, reason);
      continue;
    }
    try {
      linkSync(aside, file);
    } catch {
      /* a third process has made a lock since: it holds the name now */
    }
    unlinkSync(aside);
  }
  throw new LockHeldError(file, readLock(file), opts.what);
}

function makeLock(file: string, info: LockInfo, now: () => number): Lock {
  let released = false;
  return {
    file,
    info,
    refresh(purpose?: string) {
      if (released) return;
      if (purpose) info.purpose = purpose;
      info.heartbeatAt = new Date(now()).toISOString();
      // Only our own lock is rewritten: if it was taken over as stale, the new holder keeps it.
      if (readLock(file)?.pid !== info.pid) return;
      const tmp = `${file}.${process.pid}.tmp`;
      const fd = openSync(tmp, 'w');
      try {
        writeInfo(fd, info);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    },
    release() {
      if (released) return;
      released = true;
      const current = readLock(file);
      if (current?.pid === info.pid && current.startedAt === info.startedAt) {
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      }
    },
  };
}

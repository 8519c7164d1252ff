// The file beside the warehouse that says which process has it open and what for: DuckDB lets one process open a
// warehouse at a time, and its own refusal names only a process id.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

/** Beside the warehouse while a process has it open: who, and doing what (DuckDB's own message gives only a PID). */
export function holderFile(file: string): string {
  return `${file}.holder.json`;
}

export function writeHolder(file: string, purpose: string): void {
  const tmp = `${holderFile(file)}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
    renameSync(tmp, holderFile(file));
  } catch {
    /* only a courtesy for the message of a process that waits */
  }
}

export function removeHolder(file: string): void {
  try {
    const h = JSON.parse(readFileSync(holderFile(file), 'utf8')) as { pid?: number };
    if (h.pid === process.pid) unlinkSync(holderFile(file));
  } catch {
    /* gone already */
  }
}

export function busyMessage(file: string, duckdbMessage: string, waitedMs: number): string {
  const waited = waitedMs > 0 ? `, still after waiting ${Math.round(waitedMs / 1000)} s` : '';
  return `the warehouse ${file} is in use by ${holderOf(file, duckdbMessage)}${waited}; try again when it has finished (warehouse.busyWaitSeconds sets how long to wait)`;
}

/** Who holds the warehouse: the process and what it is doing, from the file it leaves beside the warehouse. */
export function holderOf(file: string, duckdbMessage: string): string {
  const pid = /PID (\d+)/.exec(duckdbMessage)?.[1];
  let holder: { pid?: number; purpose?: string; since?: string } = {};
  try {
    holder = JSON.parse(readFileSync(holderFile(file), 'utf8')) as typeof holder;
  } catch {
    /* no holder file: an older version, or another program */
  }
  return holder.pid !== undefined && (!pid || String(holder.pid) === pid)
    ? `process ${holder.pid} (${holder.purpose ?? 'adoption'}, since ${holder.since ?? '?'})`
    : pid
      ? `process ${pid}`
      : 'another process';
}

// Waiting for the nightly drop before a scheduled ingest: the exporter may still be writing it, and its
// manifest.json (written last) says when it is whole.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { discoverDrop, type DiscoveredDrop } from '../ingest/drop.js';
import type { Logger } from '../log.js';

/** The folder of one date's drop. */
export function dropDirFor(exportsRoot: string, date: string): string {
  return path.join(exportsRoot, date);
}

/** Why a drop is not ready to load yet, or null when it is. Pure. */
export function dropNotReady(found: DiscoveredDrop, requireManifest: boolean): string | null {
  if (found.manifest.error) return `manifest.json ${found.manifest.error}`;
  if (!found.manifest.present)
    return requireManifest ? 'manifest.json is missing (the export is not finished)' : null;
  const problems = found.manifest.problems.filter((p) => p.kind !== 'unlisted');
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 3).map((p) => `${p.file} ${p.message}`);
  return `the drop does not match its manifest.json: ${shown.join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface DropWaitDeps {
  config: Config;
  log: Logger;
  now?: (() => number) | undefined;
  /** waits, unless the signal stops the worker first */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

/** Waits for the drop folder and its manifest; returns the discovered drop, or why it never became ready. */
export async function waitForDrop(
  deps: DropWaitDeps,
  date: string,
  signal?: AbortSignal,
): Promise<{ found: DiscoveredDrop } | { reason: string; stopped?: boolean }> {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  const dir = dropDirFor(config.exportsRoot, date);
  const deadline = now() + config.schedule.ingest.waitForDropMinutes * 60_000;
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      reason = `the drop folder ${dir} does not exist`;
    } else {
      const found = await discoverDrop(dir, config.ingest.maxFileBytes);
      const notReady = dropNotReady(found, config.schedule.ingest.requireManifest);
      if (!notReady) return { found };
      reason = notReady;
    }
    if (signal?.aborted) return { reason: `stopped while waiting for the drop: ${reason}`, stopped: true };
    if (now() >= deadline) {
      return {
        reason: `the drop of ${date} was not ready after waiting ${config.schedule.ingest.waitForDropMinutes} min (schedule.ingest.waitForDropMinutes): ${reason}`,
      };
    }
    log.warn(
      { date, attempt, reason, retryInMinutes: config.schedule.ingest.retryEveryMinutes },
      'drop not ready; waiting',
    );
    await sleep(
      Math.min(config.schedule.ingest.retryEveryMinutes * 60_000, Math.max(0, deadline - now())),
      signal,
    );
  }
}

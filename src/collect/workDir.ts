// The files of one collect night on disk: the drop (<exportsRoot>/<date>) and its work folder
// (<exportsRoot>/.collect/<date>) where the customer list, each customer's Partner Center part and the recorded
// failures wait until the night is merged. Keeping them beside the drops lets a killed run resume with exactly
// what is missing.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../deliver/files.js';
import { failureKey, type DiskFacts, type RecordedFailure, type Unit } from './plan.js';

export const COLLECT_REPORT = 'collect-report.json';

export interface NightPaths {
  drop: string;
  work: string;
  /** recorded failures, one file per unit and tenant */
  failures: string;
  /** kept Partner Center subscriptions, one file per customer */
  partnerCenter: string;
  /** complete tenant folders of the drop */
  tenants: string;
  /** the month's price list and offer matrix, shared by every night of the month */
  prices: string;
}

export function nightPaths(exportsRoot: string, date: string): NightPaths {
  const work = path.join(exportsRoot, '.collect', date);
  const drop = path.join(exportsRoot, date);
  return {
    drop,
    work,
    failures: path.join(work, 'failures'),
    partnerCenter: path.join(work, 'pc'),
    tenants: path.join(drop, 'tenants'),
    prices: path.join(exportsRoot, '.collect', 'prices', priceMonth(date)),
  };
}

/** Price lists change on the first of a month: YYYYMM names the month a night prices its seats with. */
export function priceMonth(date: string): string {
  return `${date.slice(0, 4)}${date.slice(5, 7)}`;
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 1));
}

export function readJsonFile<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The names in a folder, or none when it does not exist yet. */
export function namesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Leftovers of a killed run: temporary files in the drop, partial staging folders in the work folder. */
function removeLeftovers(p: NightPaths): void {
  const sweep = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.name.endsWith('.tmp') || entry.name.endsWith('.partial'))
        rmSync(abs, { recursive: true, force: true });
      else if (entry.isDirectory()) sweep(abs);
    }
  };
  sweep(p.drop);
  sweep(p.work);
}

export type EarlyOutcome =
  | { outcome: 'already_complete'; failures: RecordedFailure[] }
  | { outcome: 'nothing_to_retry'; failures: [] };

/**
 * Readies the drop and work folders for the night, or says why there is nothing to do: a complete drop (manifest
 * written) is left alone unless failures are retried, and then only when some are recorded.
 */
export function prepareNight(
  p: NightPaths,
  opts: { force?: boolean; retryFailed?: boolean },
): EarlyOutcome | undefined {
  const manifestFile = path.join(p.drop, 'manifest.json');
  if (opts.force) {
    rmSync(p.drop, { recursive: true, force: true });
    rmSync(p.work, { recursive: true, force: true });
  } else if (existsSync(manifestFile)) {
    if (!opts.retryFailed) {
      const report = readJsonFile<{ notCollected?: RecordedFailure[] }>(path.join(p.drop, COLLECT_REPORT));
      return { outcome: 'already_complete', failures: report?.notCollected ?? [] };
    }
    if (namesIn(p.failures).length === 0) return { outcome: 'nothing_to_retry', failures: [] };
    // The drop becomes incomplete until the retried customers are merged in and the manifest is written again.
    rmSync(manifestFile, { force: true });
  }
  if (opts.retryFailed) rmSync(p.failures, { recursive: true, force: true });
  mkdirSync(p.work, { recursive: true });
  mkdirSync(p.drop, { recursive: true });
  removeLeftovers(p);
  return undefined;
}

/** What an earlier (possibly killed) run left: the input of planWork. */
export function readDiskFacts(p: NightPaths): DiskFacts {
  return {
    tenantFolders: new Set(namesIn(p.tenants).map((n) => n.toLowerCase())),
    pcKept: new Set(namesIn(p.partnerCenter).map((n) => n.replace(/\.json$/, ''))),
    failed: new Set(
      namesIn(p.failures)
        .map((n) => /^(graph|pc)-(.+)\.json$/.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => failureKey(m[1] as Unit, m[2]!)),
    ),
  };
}

// The benchmark's stages at one size: each a whole command, as a user or the scheduler runs it, under
// /usr/bin/time. The job's own commands go through bin/adoption.js (compiled JavaScript when built); the stages
// that have no command of their own (daily and weekly metrics alone, the digest run against a local SMTP server)
// go through bench/stage.ts, which reports the stage's own seconds beside the process's.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  mkdirSync,
  readdirSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Dataset } from './dataset.js';
import { measure, runCommand, type Measure, type Step } from './measure.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..', '..');
export const PEERS_DIR = path.join(HERE, '..', '.cache', 'peers');
const PARTNER_TENANT = '9b0d3c2a-5e4f-4a1b-8c7d-6e5f4a3b2c1d';
const PYTHON = '/usr/bin/python3';

export interface SizeRun {
  data: Dataset;
  work: string;
  db: string;
  config: string;
  last: string;
  first: string;
  runs: number;
  memoryLimit?: string | undefined;
  log: (line: string) => void;
}

export function prepareSize(data: Dataset, runs: number, loadDays: number, memoryLimit?: string): SizeRun {
  const work = path.join(HERE, '..', '.cache', `work-${data.scale}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const db = path.join(work, 'warehouse.duckdb');
  const config = path.join(work, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      exportsRoot: data.exports,
      warehouse: { path: db, ...(memoryLimit ? { memoryLimit } : {}) },
      partner: { tenantId: PARTNER_TENANT },
      outputDir: path.join(work, 'out'),
    }),
  );
  const last = data.dates.at(-1)!;
  const first = data.dates[Math.max(0, data.dates.length - loadDays)]!;
  return {
    data,
    work,
    db,
    config,
    last,
    first,
    runs,
    memoryLimit,
    log: (line) => process.stderr.write(`scale ${data.scale}: ${line}\n`),
  };
}

function adoption(run: SizeRun, args: string[], env: NodeJS.ProcessEnv = {}): Measure {
  return runCommand(
    process.execPath,
    [path.join(ROOT, 'bin', 'adoption.js'), ...args, '--config', run.config],
    {
      LOG_LEVEL: 'warn',
      ...env,
    },
  );
}

function stage(run: SizeRun, name: string, options: Record<string, unknown>): Measure {
  return runCommand(process.execPath, [
    '--import',
    'tsx',
    path.join(HERE, '..', 'stage.ts'),
    name,
    JSON.stringify({ exports: run.data.exports, db: run.db, memoryLimit: run.memoryLimit, ...options }),
  ]);
}

const lastDrop = (run: SizeRun) => path.join(run.data.exports, run.last);

/**
 * Every file of the last night read once, so that each timed command that reads them (the floor, the peers, the
 * ingest) finds them in the page cache, as the nightly ingest does right after the collect wrote them. Without it
 * the 10× ingest, timed just after the 19 GiB history was copied into place, read the night's 1.3 GB from disk:
 * 36.0 and 38.6 s with the page cache dropped, 29.2 and 30.0 s with the files read first (discovering and hashing
 * them 9.4–11.2 s against 3.1–3.2 s).
 */
export function warmNight(run: SizeRun): void {
  const buffer = Buffer.allocUnsafe(1 << 20);
  const readAll = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) readAll(file);
      else if (e.isFile()) {
        const fd = openSync(file, 'r');
        try {
          let read: number;
          do read = readSync(fd, buffer, 0, buffer.length, null);
          while (read > 0);
        } finally {
          closeSync(fd);
        }
      }
    }
  };
  readAll(realpathSync(lastDrop(run)));
}

export function floor(run: SizeRun): Step {
  const db = path.join(run.work, 'floor.duckdb');
  return {
    run: () => runCommand(process.execPath, [path.join(HERE, '..', 'peers', 'floor.mjs'), lastDrop(run), db]),
    before: () => {
      rmSync(db, { force: true });
      warmNight(run);
    },
  };
}

export function polars(run: SizeRun): Step {
  return {
    run: () =>
      runCommand(
        process.execPath,
        [
          path.join(HERE, '..', 'peers', 'adoption_daily_polars.mjs'),
          lastDrop(run),
          path.join(ROOT, 'config', 'products.json'),
          PARTNER_TENANT,
          path.join(run.work, 'polars.parquet'),
        ],
        { PEERS_DIR },
      ),
    before: () => warmNight(run),
  };
}

export function pandasAvailable(): boolean {
  return existsSync(PYTHON) && runQuiet(PYTHON, ['-c', 'import pandas']);
}

function runQuiet(cmd: string, args: string[]): boolean {
  try {
    runCommand(cmd, args);
    return true;
  } catch {
    return false;
  }
}

export function pandas(run: SizeRun): Measure {
  warmNight(run);
  return runCommand(PYTHON, [
    path.join(HERE, '..', 'peers', 'adoption_daily_pandas.py'),
    lastDrop(run),
    path.join(ROOT, 'config', 'products.json'),
    PARTNER_TENANT,
    path.join(run.work, 'pandas.csv'),
  ]);
}

/**
 * Every drop of the range but the last night read and loaded into an empty warehouse, with the metrics: the history
 * the nightly ingest adds to. A copy of it is kept, so that each measured ingest adds the last night to the same
 * history.
 */
export function loadFromEmpty(run: SizeRun): Measure {
  rmSync(run.db, { force: true });
  const before = run.data.dates[run.data.dates.indexOf(run.last) - 1]!;
  const m = adoption(run, ['backfill', '--from', run.first, '--to', before]);
  copyFileSync(run.db, historyCopy(run));
  return m;
}

const historyCopy = (run: SizeRun) => `${run.db}.history`;

/**
 * The warehouse as the load left it: the history without the last night. The copy is flushed to disk before the
 * measured run: otherwise the ingest's first checkpoint would pay for writing out the whole copied file.
 */
export function restoreHistory(run: SizeRun): void {
  copyFileSync(historyCopy(run), run.db);
  rmSync(`${run.db}.wal`, { force: true });
  const fd = openSync(run.db, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A warehouse an interrupted run loaded, moved in as this size's (see --reuse-warehouse): its backfill and its first
 * ingest of the last night, as measured by the job itself (the run ledger's seconds; no peak memory).
 */
export async function adoptWarehouse(run: SizeRun, file: string): Promise<Record<string, Measure>> {
  renameSync(file, run.db);
  const instance = await DuckDBInstance.create(run.db, { access_mode: 'READ_ONLY' });
  const con = await instance.connect();
  const rows = (
    await con.runAndReadAll(
      `SELECT job, epoch(finished_at - started_at) AS s FROM runs WHERE state = 'succeeded' ORDER BY started_at`,
    )
  ).getRowObjects();
  con.closeSync();
  instance.closeSync();
  const seconds = (job: string) => Number(rows.find((r) => r.job === job)?.s);
  const ledger = (s: number): Measure => ({ wall: s, seconds: s, cpu: Number.NaN, peakMiB: Number.NaN });
  return { load: ledger(seconds('backfill')), ingest: ledger(seconds('ingest')) };
}

/** The nightly case: the last night's drop ingested onto the history (the warehouse restored before each run). */
export function ingest(run: SizeRun): Step {
  return {
    run: () => adoption(run, ['ingest', '--date', run.last]),
    before: () => {
      restoreHistory(run);
      warmNight(run);
    },
  };
}

/** The last night ingested again, over its own earlier load (a rerun after a corrected drop). */
export function reingest(run: SizeRun): Measure {
  return measure(
    run.runs,
    () => adoption(run, ['ingest', '--date', run.last]),
    () => warmNight(run),
  );
}

/**
 * One nightly ingest onto the history with its debug log, read back phase by phase, and the same command's wall
 * time (what its phases do not account for is reported as the rest); leaves the night loaded.
 */
export function ingestProfile(run: SizeRun): { steps: Record<string, number>; wall: number } {
  restoreHistory(run);
  warmNight(run);
  const started = performance.now();
  const r = runCommandWithStderr(process.execPath, [
    path.join(ROOT, 'bin', 'adoption.js'),
    'ingest',
    '--date',
    run.last,
    '--config',
    run.config,
    '--log-level',
    'debug',
  ]);
  const wall = (performance.now() - started) / 1000;
  const phases: Record<string, number> = {};
  for (const line of r.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const o = JSON.parse(line) as { phase?: string; table?: string; ms?: number };
      // 'weekly metrics' is the sum of its tables, which are listed one by one.
      const key = o.phase === 'weekly metrics' ? undefined : (o.phase ?? o.table);
      if (key && typeof o.ms === 'number') phases[key] = (phases[key] ?? 0) + o.ms / 1000;
    } catch {
      // a line that is not a log record
    }
  }
  return { steps: phases, wall };
}

function runCommandWithStderr(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: process.env,
  });
  return `${r.stdout}\n${r.stderr}`;
}

/** The scheduler's weekly step, on demand: the row groups the nights' commits left, merged (`adoption compact`). */
export function compact(run: SizeRun): Measure {
  return adoption(run, ['compact']);
}

export function daily(run: SizeRun): Measure {
  return measure(run.runs, () => stage(run, 'daily', { date: run.last }));
}

export function weekly(run: SizeRun): Measure {
  return measure(run.runs, () => stage(run, 'weekly', { from: run.first }));
}

export function backfillRecompute(run: SizeRun): Measure {
  return stage(run, 'backfill', { from: run.first, to: run.last });
}

export function workbook(run: SizeRun): Measure {
  const out = path.join(run.work, 'portfolio');
  return measure(run.runs, () => adoption(run, ['report', 'portfolio', '--date', run.last, '--out', out]));
}

/** The largest account manager's workbook, and whether LibreOffice opens it (converted headless to CSV). */
export function bigBook(run: SizeRun): {
  workbook: Measure;
  libreoffice?: Measure;
  file?: string;
  bytes?: number;
} {
  const out = path.join(run.work, 'bigbook');
  rmSync(out, { recursive: true, force: true });
  const workbook = adoption(run, [
    'report',
    'portfolio',
    '--date',
    run.last,
    '--owner',
    run.data.bigOwner,
    '--out',
    out,
  ]);
  const file = findXlsx(out);
  if (!file) return { workbook };
  const bytes = statSync(file).size;
  if (!existsSync('/usr/bin/soffice')) return { workbook, file, bytes };
  const converted = path.join(run.work, 'bigbook-csv');
  const libreoffice = runCommand('/usr/bin/soffice', [
    '--headless',
    '--convert-to',
    'csv',
    '--outdir',
    converted,
    file,
  ]);
  return { workbook, libreoffice, file, bytes };
}

function findXlsx(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const f = readdirSync(dir).find((n) => n.endsWith('.xlsx'));
  return f ? path.join(dir, f) : undefined;
}

export function digests(run: SizeRun): Measure {
  return stage(run, 'digests', { date: run.last });
}

/** The collect command's own wall time and peak memory (the fake it talks to runs in the benchmark's process). */
export function collect(run: SizeRun, customers: number, users: number): Measure {
  const m = runCommand(process.execPath, [
    '--import',
    'tsx',
    path.join(HERE, '..', 'collect.ts'),
    '--customers',
    String(customers),
    '--users',
    String(users),
    '--json',
  ]);
  const own = m.out as { wall: number; peakMiB: number };
  return { ...m, wall: own.wall, seconds: own.wall, peakMiB: own.peakMiB };
}

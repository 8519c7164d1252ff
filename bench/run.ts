// `npm run bench` runs this and bench/startup.ts; `npx tsx bench/run.ts [--sizes 1,10 --runs 3,1 --load-days 90,90 --skip collect,pandas]` runs this alone with options: what one machine holds.
// Each size (1 = 2,000 customers, about 500,000 users, 40 account managers; 10 = 20,000 customers, about 5 million
// users, 400 managers, one of them with 3,000 customers) is measured stage by stage as whole commands, beside the
// floor (DuckDB alone reading the night's files) and the script an analyst would write instead (polars, pandas),
// and the figures go to bench/results.md with every target and whether it was met. Data are generated once and
// cached under bench/.cache (see bench/lib/dataset.ts). Run it on an idle machine: the figures are wall times.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataset } from './lib/dataset.js';
import { ensurePeers, peerAgreement } from './lib/peers.js';
import { writeResults, type SizeResult } from './lib/results.js';
import { measure, measureAlternated, type Step } from './lib/measure.js';
import * as stages from './lib/stages.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const sizes = arg('sizes', '1,10').split(',').map(Number);
// Per size, in the order of --sizes (the last value serves the sizes beyond it): the 10× run repeats nothing and
// loads two weeks, since one night there costs what two months do at 1× (docs/sizing.md).
const perSize = (name: string, fallback: string) => (i: number) => {
  const values = arg(name, fallback).split(',').map(Number);
  return values[Math.min(i, values.length - 1)]!;
};
const runsAt = perSize('runs', '3,1');
const loadDaysAt = perSize('load-days', '90,90');
// --skip stage or stage@scale (collect@10: not at 10×)
const skip = new Set(arg('skip', '').split(',').filter(Boolean));
const skipped = (key: string, scale: number) => skip.has(key) || skip.has(`${key}@${scale}`);
const COLLECT_USERS_PER_CUSTOMER = 60;
// --memory-limit: the warehouse's DuckDB memory limit for every command (default: config/default.json's); --out:
// the results file, relative to bench/ or absolute (default results.md), so a run with another setting does not replace the main one.
const memoryLimit = arg('memory-limit', '');
// --reuse-warehouse SCALE=FILE: a warehouse an interrupted run loaded (its history, then the last night ingested once),
// moved in instead of loading again; the load and that first ingest are taken from its run ledger (in-process
// seconds, no peak memory), and the stages that need the history without the last night are not run.
const reuse = new Map(
  arg('reuse-warehouse', '')
    .split(',')
    .filter(Boolean)
    .map((s) => [Number(s.split('=')[0]), s.split('=')[1]!] as const),
);
const outFile = arg('out', 'results.md');

if (process.argv.includes('--generate-only')) {
  for (const scale of sizes) console.log(JSON.stringify({ ...dataset(scale), dates: undefined }));
  process.exit(0);
}

// The job as installed: compiled JavaScript, as `npm ci` leaves it.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: path.join(HERE, '..'), stdio: 'inherit' });
ensurePeers();

/** A failed command's error, shortened: the command, then the end of what it printed (the error is last). */
function failureText(message: string): string {
  const text = message.replace(/\s+/g, ' ').trim();
  return text.length > 700 ? `${text.slice(0, 250)} … ${text.slice(-450)}` : text;
}

const results: SizeResult[] = [];
for (const [i, scale] of sizes.entries()) {
  const data = dataset(scale);
  const loadDays = loadDaysAt(i);
  const run = stages.prepareSize(data, runsAt(i), loadDays, memoryLimit || undefined);
  const r: SizeResult = { data, days: 0, stages: {}, failures: {} };
  const timed = (key: string, what: string, fn: () => SizeResult['stages'][string]) => {
    if (skipped(key, scale)) return;
    run.log(what);
    // A stage that fails is reported as failed; the others are still measured.
    try {
      r.stages[key] = fn();
    } catch (err) {
      r.failures[key] = failureText((err as Error).message);
      run.log(`${key} failed: ${r.failures[key]}`);
    }
  };
  const alone = (step: Step) => measure(run.runs, step.run, step.before);
  r.days = data.dates.filter((d) => d >= run.first && d < run.last).length;
  const reused = reuse.get(scale);
  if (reused) {
    timed('floor', 'floor (DuckDB alone)', () => alone(stages.floor(run)));
    timed('polars', 'polars', () => alone(stages.polars(run)));
    Object.assign(r.stages, await stages.adoptWarehouse(run, reused));
    r.warehouseBytes = statSync(run.db).size;
  } else {
    timed('load', `${loadDays - 1} days loaded into an empty warehouse`, () => stages.loadFromEmpty(run));
    r.warehouseBytes = existsSync(run.db) ? statSync(run.db).size : undefined;
    // The ingest is compared with the floor and polars: the three are measured in alternation, a round at a time,
    // after the load (the ingest needs its history).
    const compared: Record<string, Step> = {};
    if (!skipped('floor', scale)) compared.floor = stages.floor(run);
    if (!skipped('polars', scale)) compared.polars = stages.polars(run);
    if (!skipped('ingest', scale)) compared.ingest = stages.ingest(run);
    run.log(`${Object.keys(compared).join(', ')}: ${run.runs} round(s), alternated`);
    const { measures, failures } = measureAlternated(run.runs, compared);
    Object.assign(r.stages, measures);
    for (const [key, message] of Object.entries(failures)) {
      r.failures[key] = failureText(message);
      run.log(`${key} failed: ${r.failures[key]}`);
    }
    // The profile's run leaves the last night loaded, as every later stage needs it.
    if (r.stages.ingest) r.profile = stages.ingestProfile(run);
  }
  if (stages.pandasAvailable()) timed('pandas', 'pandas', () => stages.pandas(run));
  timed('reingest', 'the same night ingested again', () => stages.reingest(run));
  timed('compact', 'the warehouse compacted', () => stages.compact(run));
  if (!skip.has('polars') && !skip.has('ingest'))
    r.agreement = await peerAgreement(run.db, run.last, run.work);
  timed('daily', 'daily metrics', () => stages.daily(run));
  timed('weekly', 'weekly metrics', () => stages.weekly(run));
  timed('backfill', 'backfill (recompute the range)', () => stages.backfillRecompute(run));
  timed('workbook', 'portfolio workbook', () => stages.workbook(run));
  if (!skipped('bigbook', scale)) {
    run.log(`workbook of ${data.bigOwner} (${data.bigOwnerCustomers} customers)`);
    try {
      r.bigBook = stages.bigBook(run);
    } catch (err) {
      r.failures.bigbook = (err as Error).message.slice(0, 600);
    }
  }
  timed('digests', `${data.owners} digests to a local SMTP server`, () => stages.digests(run));
  timed('collect', `collect ${data.customers} customers from the fake`, () =>
    stages.collect(run, data.customers, COLLECT_USERS_PER_CUSTOMER),
  );
  results.push(r);
  rmSync(run.work, { recursive: true, force: true });
  // Written after every size, so that a long run stopped at 10× keeps what 1× measured.
  const markdown = writeResults(results, {
    runs: sizes.map((_, k) => runsAt(k)),
    collectUsers: COLLECT_USERS_PER_CUSTOMER,
    skipped: [...skip],
    ...(memoryLimit ? { memoryLimit } : {}),
  });
  writeFileSync(path.resolve(HERE, outFile), markdown);
  console.log(markdown);
}

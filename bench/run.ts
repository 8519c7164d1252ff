// `npm run bench [-- --sizes 0.1,0.25,1 --runs 3]`: the large-partner benchmark.
// Full size (1): 2,000 customers, 500,000 users in Graph user-detail CSVs, 40 account managers, 92 days of drops
// (a distinct night every week; the days between are hard links to their week's files, as when Graph's reports
// were not refreshed), cached under bench/.cache. Each stage runs as a whole process under /usr/bin/time, several
// times, and the median is reported with its peak memory. Results go to bench/results.md, replacing the old ones.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays } from '../src/dates.js';
import { generateDemoDrops } from '../src/demo/generate.js';
import { writeDrop } from '../src/demo/writeDrop.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CACHE = path.join(HERE, '.cache');
const END = '2026-11-23';
const WEEKS = 14;
// usersPerCustomer is the simulation's mean before deployment and turnover; 302 gives about 500,000 users in all.
const FULL = { customers: 2000, owners: 40, usersPerCustomer: 302 };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const sizes = arg('sizes', '0.1,0.25,1').split(',').map(Number);
const runs = Number(arg('runs', '3'));

function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) linkTree(path.join(from, e.name), path.join(to, e.name));
    else linkSync(path.join(from, e.name), path.join(to, e.name));
  }
}

/** The drops of one size, generated once (seeded) and cached. Returns the exports root and the dates. */
function dataset(scale: number): { exports: string; dates: string[]; users: number; csvBytes: number } {
  const dir = path.join(CACHE, `scale-${scale}`);
  const exportsDir = path.join(dir, 'exports');
  const customers = Math.round(FULL.customers * scale);
  if (!existsSync(path.join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    const started = Date.now();
    let last = '';
    for (const drop of generateDemoDrops({
      seed: 42,
      customers,
      owners: FULL.owners,
      usersPerCustomer: FULL.usersPerCustomer,
      drops: WEEKS,
      cadenceDays: 7,
      endDate: END,
    })) {
      writeDrop(path.join(exportsDir, drop.date), drop.spec);
      last = drop.date;
      process.stderr.write(`  generated ${drop.date} (scale ${scale})\n`);
    }
    // Nights between the weekly ones: hard links to the week's files.
    for (const weekly of readdirSync(exportsDir)) {
      for (let k = 1; k < 7; k++) {
        const d = addDays(weekly, k);
        if (d <= last) linkTree(path.join(exportsDir, weekly), path.join(exportsDir, d));
      }
    }
    writeFileSync(path.join(dir, '.complete'), `${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  const dates = readdirSync(exportsDir).sort();
  const lastTenants = path.join(exportsDir, dates.at(-1)!, 'tenants');
  let users = 0;
  let csvBytes = 0;
  for (const t of readdirSync(lastTenants)) {
    const f = path.join(lastTenants, t, 'office365ActiveUserDetail.csv');
    if (!existsSync(f)) continue;
    csvBytes += statSync(f).size;
    users += Number(execFileSync('wc', ['-l', f], { encoding: 'utf8' }).trim().split(' ')[0]) - 1;
  }
  return { exports: exportsDir, dates, users, csvBytes };
}

interface Measure {
  seconds: number; // wall time of the stage's own work
  wall: number; // wall time of the whole process
  peakMiB: number;
}

function runStage(stage: string, options: Record<string, unknown>): Measure {
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %M',
      process.execPath,
      '--import',
      'tsx',
      path.join(HERE, 'stage.ts'),
      stage,
      JSON.stringify(options),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`stage ${stage} failed:\n${r.stderr}`);
  const [wall, kb] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number };
  return { seconds: out.seconds, wall: wall!, peakMiB: kb! / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function measure(stage: string, options: Record<string, unknown>, n: number, before?: () => void): Measure {
  const ms: Measure[] = [];
  for (let i = 0; i < n; i++) {
    before?.();
    ms.push(runStage(stage, options));
  }
  return {
    seconds: median(ms.map((m) => m.seconds)),
    wall: median(ms.map((m) => m.wall)),
    peakMiB: Math.max(...ms.map((m) => m.peakMiB)),
  };
}

interface SizeResult {
  scale: number;
  customers: number;
  users: number;
  csvMiB: number;
  days: number;
  stages: Record<string, Measure>;
}

const STAGES: [key: string, label: string][] = [
  ['baseline', 'DuckDB alone: read_csv + read_json of one night into tables'],
  ['ingest', "ingest of one night (load + daily + weekly metrics) = one night's recompute"],
  ['daily', 'daily metrics of one night'],
  ['weekly', 'weekly metrics, all weeks'],
  ['backfill90', '90-day backfill (drops loaded: recompute daily + weekly over the range)'],
  ['load90', '90-day backfill from an empty warehouse (every drop read and loaded)'],
  ['workbook', 'portfolio workbook of all customers'],
  ['digests', "every account manager's digest rendered (workbook attached) and sent to a local SMTP server"],
];

if (process.argv.includes('--generate-only')) {
  for (const scale of sizes) {
    const d = dataset(scale);
    console.log(
      `scale ${scale}: ${d.dates.length} drops, ${d.users} users, ${(d.csvBytes / 2 ** 20).toFixed(0)} MiB of user CSV per night`,
    );
  }
  process.exit(0);
}

const results: SizeResult[] = [];
for (const scale of sizes) {
  process.stderr.write(`scale ${scale}: preparing data\n`);
  const data = dataset(scale);
  const work = path.join(CACHE, `work-${scale}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const db = path.join(work, 'warehouse.duckdb');
  const last = data.dates.at(-1)!;
  const from90 = addDays(last, -89);
  const stages: Record<string, Measure> = {};
  process.stderr.write(`scale ${scale}: 90-day load from empty\n`);
  stages.load90 = measure('backfill', { exports: data.exports, db, from: from90, to: last }, 1);
  process.stderr.write(`scale ${scale}: baseline\n`);
  stages.baseline = measure(
    'baseline',
    { exports: data.exports, db: path.join(work, 'baseline.duckdb'), date: last },
    runs,
    () => rmSync(path.join(work, 'baseline.duckdb'), { force: true }),
  );
  process.stderr.write(`scale ${scale}: ingest, daily, weekly, backfill\n`);
  stages.ingest = measure('ingest', { exports: data.exports, db, date: last }, runs);
  stages.daily = measure('daily', { exports: data.exports, db, date: last }, runs);
  stages.weekly = measure('weekly', { exports: data.exports, db, from: from90 }, runs);
  stages.backfill90 = measure('backfill', { exports: data.exports, db, from: from90, to: last }, runs);
  process.stderr.write(`scale ${scale}: workbook\n`);
  stages.workbook = measure('workbook', { exports: data.exports, db, date: last }, runs);
  process.stderr.write(`scale ${scale}: digests\n`);
  stages.digests = measure('digests', { exports: data.exports, db, date: last }, runs);
  results.push({
    scale,
    customers: Math.round(FULL.customers * scale),
    users: data.users,
    csvMiB: data.csvBytes / 2 ** 20,
    days: 90,
    stages,
  });
  rmSync(work, { recursive: true, force: true });
}

// Issue #4's big portfolio, seeded straight into the weekly tables: 5,000 customers × 3 products, 100,000 inactive users.
process.stderr.write('big portfolio workbook\n');
const bigDir = path.join(CACHE, 'work-big');
const big = measure(
  'workbook-synthetic',
  { exports: CACHE, db: path.join(bigDir, 'warehouse.duckdb'), date: END },
  runs,
  () => {
    rmSync(bigDir, { recursive: true, force: true });
    mkdirSync(bigDir, { recursive: true });
  },
);
rmSync(bigDir, { recursive: true, force: true });

const fmt = (n: number, d = 2) => n.toFixed(d);
const full = results.at(-1)!;
const lines: string[] = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`,
  `Each stage is a whole process, run ${runs} time(s); the figure is the median of the stage's own work (wall time of the whole process, with start-up, in brackets) and the peak resident memory of the process.`,
  '',
  '## Full size',
  '',
  `${full.customers} customers, ${full.users} users in ${data(full)} of Graph user-detail CSV per night, ${FULL.owners} account managers, 90 days of drops.`,
  '',
  '| stage | seconds | peak memory |',
  '|---|---|---|',
  ...STAGES.map(
    ([k, label]) =>
      `| ${label} | ${fmt(full.stages[k]!.seconds)} (${fmt(full.stages[k]!.wall, 1)}) | ${fmt(full.stages[k]!.peakMiB, 0)} MiB |`,
  ),
  '',
  `Big portfolio workbook (5,000 customers × 3 products, 100,000 inactive users, seeded): ${fmt(big.seconds)} s (${fmt(big.wall, 1)}), peak ${fmt(big.peakMiB, 0)} MiB.`,
  '',
  '## Targets',
  '',
  '| target | measured | met |',
  '|---|---|---|',
  target(
    'ingest + daily metrics of one night ≤ 1.5 × DuckDB alone',
    full.stages.ingest!.seconds / full.stages.baseline!.seconds,
    1.5,
    '×',
  ),
  target(
    "90-day backfill ≤ 10 × one night's recompute",
    full.stages.backfill90!.seconds / full.stages.ingest!.seconds,
    10,
    '×',
  ),
  target('portfolio workbook of all customers < 15 s', full.stages.workbook!.seconds, 15, ' s'),
  target(
    `all ${FULL.owners} digests rendered and delivered to a local SMTP server < 30 s`,
    full.stages.digests!.seconds,
    30,
    ' s',
  ),
  target(
    '5,000 customers × 3 products, 100,000 inactive users: workbook peak memory < 1 GiB',
    big.peakMiB / 1024,
    1,
    ' GiB',
  ),
  target(
    'peak memory of any stage < 1.5 GiB',
    Math.max(...Object.values(full.stages).map((m) => m.peakMiB)) / 1024,
    1.5,
    ' GiB',
  ),
  '',
  '## Growth',
  '',
  'Seconds per stage at each size, and the growth exponent k in time ∝ size^k between each size and the next, and from the smallest to the full size (1 = linear, 2 = quadratic). Size is the number of users in the night (the data generated is not exactly proportional to the nominal scale).',
  '',
  `| stage | ${results.map((r) => `${r.scale} (${r.users} users)`).join(' | ')} | ${results
    .slice(1)
    .map((r, i) => `k ${results[i]!.scale}→${r.scale}`)
    .join(' | ')} | k overall |`,
  `|---|${results.map(() => '---').join('|')}|${results
    .slice(1)
    .map(() => '---')
    .join('|')}|---|`,
  ...STAGES.map(([k, label]) => {
    const exponent = (a: SizeResult, b: SizeResult) =>
      Math.log(b.stages[k]!.seconds / a.stages[k]!.seconds) / Math.log(b.users / a.users);
    const steps = results.slice(1).map((r, i) => fmt(exponent(results[i]!, r)));
    const overall = results.length > 1 ? fmt(exponent(results[0]!, full)) : '—';
    return `| ${label} | ${results.map((r) => fmt(r.stages[k]!.seconds)).join(' | ')} | ${steps.join(' | ')} | ${overall} |`;
  }),
  '',
  `Largest exponent between two sizes: ${fmt(
    Math.max(
      ...STAGES.flatMap(([k]) =>
        results
          .slice(1)
          .map(
            (r, i) =>
              Math.log(r.stages[k]!.seconds / results[i]!.stages[k]!.seconds) /
              Math.log(r.users / results[i]!.users),
          ),
      ),
    ),
  )} (quadratic would be 2).`,
  '',
];

function data(r: SizeResult): string {
  return `${r.csvMiB.toFixed(0)} MiB`;
}

function target(label: string, value: number, limit: number, unit: string): string {
  return `| ${label} | ${fmt(value)}${unit} | ${value <= limit ? 'yes' : '**no**'} |`;
}

writeFileSync(path.join(HERE, 'results.md'), lines.join('\n'));
console.log(lines.join('\n'));

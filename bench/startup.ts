// `npm run bench` (first), or `tsx bench/startup.ts [--runs 7]`: how long `adoption --help` and `adoption status`
// take, as a user runs them: the installed bin (bin/adoption.js) in a fresh Node process, wall time to exit. Targets
// (issue 15): --help under 0.3 s, status under 1 s. The median of several runs, after one unmeasured run that warms
// the disk cache. status reads a small warehouse made here (migrated, one run recorded). Results go to
// bench/startup-results.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { openWarehouse } from '../src/warehouse/open.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'adoption.js');
const RESULTS = path.join(ROOT, 'bench', 'startup-results.md');
/** Below this heading the results file keeps earlier figures, written by hand; each run replaces what is above. */
const HISTORY = '## Earlier figures';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 7;

function timeOnce(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`adoption ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function measure(args: string[]): { median: number; min: number; max: number } {
  timeOnce(args);
  const times = Array.from({ length: RUNS }, () => timeOnce(args));
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'adoption-bench-startup-'));
  try {
    const db = path.join(dir, 'warehouse.duckdb');
    const config = loadConfig();
    config.warehouse.path = db;
    const wh = await openWarehouse(config, 'bench/startup: making the warehouse', { create: true });
    wh.close();
    const compiled = existsSync(path.join(ROOT, 'dist'));
    const cases = [
      { command: 'adoption --help', args: ['--help'], target: 0.3 },
      { command: 'adoption status', args: ['status', '--db', db], target: 1 },
    ];
    const rows = cases.map((c) => ({ ...c, ...measure(c.args) }));
    const lines = [
      '# Start-up times',
      '',
      `Written by \`tsx bench/startup.ts\` (part of \`npm run bench\`) on ${new Date().toISOString().slice(0, 10)}: ` +
        `the installed bin (\`node bin/adoption.js\`), wall time to exit, median of ${RUNS} runs after a warm-up run, ` +
        `on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg()[0]!.toFixed(1)}), Node ${process.version}, ` +
        `${compiled ? 'compiled JavaScript (dist/)' : 'no dist/: the TypeScript sources through tsx'}.`,
      '',
      '| command | median | min | max | target |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| \`${r.command}\` | ${r.median.toFixed(2)} s | ${r.min.toFixed(2)} s | ${r.max.toFixed(2)} s | under ${r.target} s${r.median < r.target ? '' : ' (missed)'} |`,
      ),
      '',
    ];
    const history = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8').split(HISTORY)[1] : undefined;
    writeFileSync(
      RESULTS,
      [...lines, ...(history === undefined ? [] : [HISTORY + history.trimEnd(), ''])].join('\n'),
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

// Covers cli/actions/schedule.ts, src/schedule/scheduler.ts, src/schedule/worker.ts. `adoption schedule` as a real
// child process: a run completes on its schedule, a second worker is refused, status works while the worker idles, and
// SIGTERM stops it cleanly (exit 0, warehouse closed, lock released).
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config/load.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { localDateBefore } from '../src/schedule/dueTimes.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { rulesDrop } from './fixtures/rulesDrop.js';
import { runCli } from './helpers/cli.js';
import { PARTNER, tempDir } from './helpers/context.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

it('runs the nightly ingest on its schedule, refuses a second worker, and exits 0 on SIGTERM', async () => {
  // The schedule's own clock decides the drop: the day before "now" in its zone.
  const dropDate = localDateBefore(Date.now(), 'UTC', 1);
  writeDrop(path.join(dir, 'exports', dropDate), rulesDrop());
  const configFile = path.join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      exportsRoot: path.join(dir, 'exports'),
      warehouse: { path: path.join(dir, 'warehouse.duckdb'), busyWaitSeconds: 30 },
      partner: { tenantId: PARTNER },
      outputDir: path.join(dir, 'out'),
      digest: { outbox: path.join(dir, 'outbox') },
      schedule: {
        timeZone: 'UTC',
        ingest: { cron: '*/3 * * * * *', waitForDropMinutes: 0 },
        digest: { enabled: false },
      },
    }),
  );
  const child = spawn(
    process.execPath,
    [path.join(PROJECT_ROOT, 'bin/adoption.js'), 'schedule', '--config', configFile],
    { cwd: dir, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const l of c.toString().split('\n')) {
      try {
        lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        /* not a log line */
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pred: (l: Record<string, unknown>) => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (lines.some(pred)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out; the worker logged:\n${stderr}`);
  };
  try {
    await waitFor((l) => l.msg === 'scheduler started', 30_000);
    const started = lines.find((l) => l.msg === 'scheduler started')!;
    // The next run is logged in local time and UTC.
    expect(String((started.next as Record<string, string>).ingest)).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(.* UTC\)$/,
    );
    await waitFor((l) => l.msg === 'run finished' && l.state === 'succeeded', 60_000);
    const finished = lines.find((l) => l.msg === 'run finished')!;
    expect(finished).toMatchObject({ job: 'ingest', asOf: dropDate, state: 'succeeded' });

    const second = runCli(['schedule', '--config', configFile]);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(
      new RegExp(`another \`adoption schedule\` is already running on this warehouse: process ${child.pid}`),
    );
    expect(second.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const st = runCli(['status', '--config', configFile]);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/ingest\s+schedule\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+.*succeeded/);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(lines.some((l) => l.msg === 'scheduler stopped')).toBe(true);
  expect(stderr).not.toMatch(/internal error/);
  expect(existsSync(path.join(dir, 'warehouse.duckdb.schedule.lock'))).toBe(false);
  expect(existsSync(path.join(dir, 'warehouse.duckdb.job.lock'))).toBe(false);
  const wh = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
  try {
    const runs = await wh.all(`SELECT state FROM runs WHERE job = 'ingest' AND trigger = 'schedule'`);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.state !== 'running')).toBe(true); // no run left half-recorded
  } finally {
    wh.close();
  }
}, 120_000);

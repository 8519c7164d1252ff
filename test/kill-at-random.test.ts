// Covers jobs/ingest.ts, jobs/backfill.ts, jobs/digest.ts, cli/. Issue #7: the process killed (SIGKILL) at random
// points during ingest, backfill and digest sending, then the same command run again. After every round: the warehouse
// opens, no date is half-loaded or loaded twice, and no digest went out twice but for the one SMTP-unavoidable case
// (same Message-ID, see docs/operations.md). At the end the tables equal those of a clean run. Seeded (fast-check):
// KILL_SEED=<n> replays a sequence; KILL_ROUNDS sets the count.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { PROJECT_ROOT } from '../src/config/load.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { Warehouse, type Row } from '../src/warehouse/warehouse.js';
import { rulesDrop } from './fixtures/rulesDrop.js';
import { PARTNER, dumpTable, tempDir, testContext } from './helpers/context.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type TestSmtp } from './helpers/smtp.js';

const DATES = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'];
const WEEK = '2026-11-23';
const ROUNDS = Number(process.env.KILL_ROUNDS ?? 21);
const TABLES = ['loads', 'stg_customers', 'stg_user_activity', 'adoption_daily', 'adoption_customer_weekly'];

let dir: string;
let cleanup: () => void;
let smtp: TestSmtp;
let configFile: string;
const reference: Record<string, Row[]> = {};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('adoption-kill-'));
  for (const d of DATES) writeDrop(path.join(dir, 'exports', d), rulesDrop());
  smtp = await startSmtp();
  configFile = path.join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      exportsRoot: path.join(dir, 'exports'),
      warehouse: { path: path.join(dir, 'warehouse.duckdb'), busyWaitSeconds: 30 },
      partner: { tenantId: PARTNER },
      outputDir: path.join(dir, 'reports'),
      // a digest killed mid-send is uncertain; this test resends it at once (at least once, same Message-ID), the
      // default (never without --resend-uncertain) is in test/reliability-kill-stall.test.ts
      digest: { outbox: path.join(dir, 'outbox'), resendUncertainAfterHours: 0 },
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        user: SMTP_USER,
        rejectUnauthorized: false,
        retries: 1,
        retryDelayMs: 10,
      },
    }),
  );
  // The warehouse starts with the drops loaded, so that a digest round has a week to send.
  {
    const ctx = await testContext(dir);
    for (const d of DATES) await ingest(ctx, { asOf: d, trigger: 'manual' });
    ctx.wh.close();
  }
  // What a clean, uninterrupted run leaves.
  const ref = tempDir('adoption-kill-ref-');
  const { cpSync } = await import('node:fs');
  cpSync(path.join(dir, 'exports'), path.join(ref.dir, 'exports'), { recursive: true });
  const ctx = await testContext(ref.dir);
  for (const d of DATES) await ingest(ctx, { asOf: d, trigger: 'manual' });
  for (const t of TABLES) reference[t] = await comparable(ctx.wh, t);
  ctx.wh.close();
  ref.cleanup();
});
afterAll(async () => {
  await smtp.close();
  cleanup();
});

/** A table without the columns that differ between runs (run ids, clock times). */
async function comparable(wh: Warehouse, table: string): Promise<Row[]> {
  const rows = await dumpTable({ wh } as never, table);
  for (const r of rows) for (const k of ['run_id', 'loaded_at', 'metrics_at', 'drop_path']) delete r[k];
  return rows;
}

const roundArb = fc.record({
  kind: fc.constantFrom('ingest', 'ingest', 'backfill', 'digest'),
  date: fc.constantFrom(...DATES),
  // Where in the run to kill it, as a share of how long the same command takes uninterrupted on this machine: a
  // fixed window of milliseconds would mostly kill a slow machine's runs in start-up and miss a fast one's.
  killAt: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
});

/** How long each kind of round takes to the end, measured once here (a digest by --dry-run: it sends nothing). */
async function cleanDurations(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const kind of ['ingest', 'backfill', 'digest']) {
    const args = command({ kind, date: DATES.at(-1)! });
    const started = Date.now();
    const r = await run(kind === 'digest' ? [...args.filter((a) => a !== '--resend'), '--dry-run'] : args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    out[kind] = Date.now() - started;
  }
  return out;
}

function command(r: { kind: string; date: string }): string[] {
  if (r.kind === 'ingest') return ['ingest', '--date', r.date];
  if (r.kind === 'backfill')
    return ['backfill', '--from', DATES[0]!, '--to', DATES.at(-1)!, '--reprocess', 'all'];
  return ['digest', '--week-ending', WEEK, '--resend'];
}

function run(
  args: string[],
  killAfterMs?: number,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/adoption.js'), ...args, '--config', configFile],
      {
        env: { ...process.env, ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

it(`keeps the warehouse consistent and sends nothing twice when killed at ${ROUNDS} random points`, async () => {
  const seed = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
  const rounds = fc.sample(roundArb, { numRuns: ROUNDS, seed });
  const where = (i: number, args: string[], ms: number) =>
    `round ${i} (KILL_SEED=${seed}): ${args.join(' ')} killed after ${ms} ms`;
  // Every digest run uses --resend, so each round may send once per manager on purpose: count per round.
  const kills: number[] = [];
  const durations = await cleanDurations();
  for (const [i, round] of rounds.entries()) {
    const args = command(round);
    const ms = Math.round(round.killAt * durations[round.kind]!);
    const before = smtp.messages.length;
    const killed = await run(args, ms);
    if (killed.signal === 'SIGKILL') kills.push(ms);
    else expect(killed.code, `${where(i, args, ms)}: ${killed.stderr}`).toBe(0);
    const sentByKilled = smtp.messages.slice(before).map((m) => m.messageId);
    // The same command again, to the end.
    const again = await run(args.filter((a) => a !== '--resend'));
    expect(again.code, `${where(i, args, ms)}, re-run: ${again.stderr}`).toBe(0);
    expect(again.stderr, where(i, args, ms)).not.toMatch(/internal error/);
    const wh = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
    try {
      // No date half-loaded, none twice: each loaded date holds exactly the reference's rows.
      const perDate = await wh.all(
        `SELECT snapshot_date, count(*)::INTEGER AS n FROM stg_user_activity GROUP BY 1 ORDER BY 1`,
      );
      const refPerDate = new Map<string, number>();
      for (const r of reference.stg_user_activity!)
        refPerDate.set(String(r.snapshot_date), (refPerDate.get(String(r.snapshot_date)) ?? 0) + 1);
      for (const r of perDate)
        expect(r.n, `${where(i, args, ms)}: ${String(r.snapshot_date)}`).toBe(
          refPerDate.get(String(r.snapshot_date)),
        );
      const loads = await wh.all(
        `SELECT snapshot_date, count(*)::INTEGER AS n, bool_and(metrics_at IS NOT NULL) AS done FROM loads GROUP BY 1`,
      );
      for (const l of loads) expect([l.n, l.done], where(i, args, ms)).toEqual([1, true]);
      // Digests: per manager, at most one per round, except the same message resent after an unanswered hand-over.
      if (args[0] === 'digest') {
        const round = [
          ...sentByKilled,
          ...smtp.messages.slice(before + sentByKilled.length).map((m) => m.messageId),
        ];
        const byId = new Map<string, number>();
        for (const id of round) byId.set(String(id), (byId.get(String(id)) ?? 0) + 1);
        const ledger = await wh.all(
          `SELECT recipient, state, message_id FROM deliveries WHERE week_ending = $w::DATE`,
          { w: WEEK },
        );
        expect(ledger.length, where(i, args, ms)).toBeGreaterThan(0);
        expect(
          ledger.every((l) => l.state === 'sent'),
          where(i, args, ms),
        ).toBe(true);
        for (const [id, n] of byId) {
          expect(
            ledger.map((l) => l.message_id),
            where(i, args, ms),
          ).toContain(id);
          expect(n, `${where(i, args, ms)}: ${id} sent ${n} times`).toBeLessThanOrEqual(2);
        }
        expect(byId.size, where(i, args, ms)).toBeLessThanOrEqual(ledger.length);
      }
    } finally {
      wh.close();
    }
  }
  expect(
    kills.length,
    `only ${kills.length} of ${ROUNDS} runs were killed before finishing`,
  ).toBeGreaterThanOrEqual(Math.min(20, ROUNDS) / 2);
  // In the end, with every date loaded, every table equals the clean run's.
  expect((await run(['backfill', '--from', DATES[0]!, '--to', DATES.at(-1)!])).code).toBe(0);
  const wh = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
  try {
    for (const t of TABLES) expect(await comparable(wh, t), `${t} (KILL_SEED=${seed})`).toEqual(reference[t]);
  } finally {
    wh.close();
  }
}, 300_000);

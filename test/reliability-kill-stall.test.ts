// Covers jobs/digest.ts, src/deliver/mailer.ts, src/deliver/ledger.ts, cli/actions/signals.ts. Issue #16, the
// kill-and-stall test: 10 seeded rounds of `adoption digest` against an SMTP server that, at random, takes the message
// body and never answers, with SIGTERM or SIGKILL at a random moment, then re-runs. After every round each recipient
// has exactly one accepted message, or one recorded uncertain, and never two accepted. SIGTERM always ends the process
// within seconds, with its run recorded (never left running). Seeded (fast-check): STALL_SEED=<n> replays a sequence;
// STALL_ROUNDS sets the count.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { PROJECT_ROOT } from '../src/config/load.js';
import { rng } from '../src/demo/random.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { Warehouse, type Row } from '../src/warehouse/warehouse.js';
import { DROP_DATE, rulesDrop } from './fixtures/rulesDrop.js';
import { PARTNER, tempDir, testContext } from './helpers/context.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type TestSmtp } from './helpers/smtp.js';

const ROUNDS = Number(process.env.STALL_ROUNDS ?? 10);
const RECIPIENTS = ['adoption-team@partner.example', 'am1@partner.example', 'am2@partner.example'];
const STOP_GRACE_S = 0.5;

let dir: string;
let cleanup: () => void;
let smtp: TestSmtp;
let configFile: string;
let db: string;
/** the server's coin: whether the message in hand is stalled (set per round from the seed) */
let stallNext: () => boolean = () => false;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('adoption-stall-'));
  const spec = rulesDrop();
  spec.customers![3]!.owner_email = ''; // a third recipient: the fallback address
  writeDrop(path.join(dir, 'exports', DROP_DATE), spec);
  smtp = await startSmtp({ onMessage: () => (stallNext() ? 'stall' : undefined) });
  db = path.join(dir, 'warehouse.duckdb');
  configFile = path.join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      exportsRoot: path.join(dir, 'exports'),
      warehouse: { path: db, busyWaitSeconds: 30 },
      partner: { tenantId: PARTNER },
      outputDir: path.join(dir, 'reports'),
      digest: { outbox: path.join(dir, 'outbox'), attachWorkbook: false },
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        user: SMTP_USER,
        rejectUnauthorized: false,
        retries: 2,
        retryDelayMs: 10,
        commandTimeoutSeconds: 1,
        stopGraceSeconds: STOP_GRACE_S,
      },
    }),
  );
  const ctx = await testContext(dir);
  await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
  ctx.wh.close();
});
afterAll(async () => {
  await smtp.close();
  cleanup();
});

function digest(signal?: {
  name: 'SIGTERM' | 'SIGKILL';
  afterMs: number;
}): Promise<{ code: number | null; killedBy: string | null; stopMs: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'bin/adoption.js'),
        'digest',
        '--week-ending',
        DROP_DATE,
        '--config',
        configFile,
      ],
      {
        env: { ...process.env, ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    let signalledAt: number | null = null;
    const timer = signal
      ? setTimeout(() => {
          signalledAt = Date.now();
          child.kill(signal.name);
        }, signal.afterMs)
      : undefined;
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ code, killedBy: sig, stopMs: signalledAt === null ? null : Date.now() - signalledAt, out });
    });
  });
}

async function withWarehouse<T>(fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await Warehouse.open(db);
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}

const roundArb = fc.record({
  signal: fc.constantFrom('SIGTERM' as const, 'SIGKILL' as const),
  afterMs: fc.integer({ min: 200, max: 4500 }),
  stallSeed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  stallChance: fc.constantFrom(0.3, 0.5, 0.8),
});

it(`${ROUNDS} rounds of stalls and kills: one accepted or one uncertain per recipient, never two accepted`, async () => {
  const seed = Number(process.env.STALL_SEED ?? Date.now() % 100_000);
  const rounds = fc.sample(roundArb, { numRuns: ROUNDS, seed });
  let stalls = 0;
  let uncertainSeen = 0;
  let terms = 0;
  for (const [i, round] of rounds.entries()) {
    const where = `round ${i} (STALL_SEED=${seed}): ${round.signal} after ${round.afterMs} ms`;
    // A new week for the ledger: each round starts with nothing sent.
    await withWarehouse((wh) => wh.run('DELETE FROM deliveries'));
    // Seeded, so that the server's stalls replay with the seed.
    const rnd = rng(round.stallSeed);
    stallNext = () => {
      const s = rnd() < round.stallChance;
      if (s) stalls++;
      return s;
    };
    const from = smtp.accepted.length;
    const first = await digest({ name: round.signal, afterMs: round.afterMs });
    if (first.killedBy === null && round.signal === 'SIGTERM' && first.stopMs !== null) {
      // Stopped by SIGTERM: within seconds (the grace for the message in progress, then the ledger written).
      terms++;
      expect(first.stopMs, `${where}: ${first.out}`).toBeLessThan(STOP_GRACE_S * 1000 + 6000);
      expect(first.out, where).not.toMatch(/internal error/);
    }
    // Re-runs, the server still stalling at random, until nothing is left that a re-run would send.
    for (let rerun = 0; rerun < 3; rerun++) {
      const again = await digest();
      expect(again.out, `${where}, re-run ${rerun}`).not.toMatch(/internal error/);
      expect([0, 2], `${where}, re-run ${rerun}: ${again.out}`).toContain(again.code);
      const left = await withWarehouse((wh) =>
        wh.all(`SELECT count(*)::INTEGER AS n FROM deliveries WHERE state NOT IN ('sent', 'uncertain')`),
      );
      if (left[0]!.n === 0 && again.code !== null) break;
    }
    const accepted = new Map<string, number>();
    for (const a of smtp.accepted.slice(from))
      accepted.set(a.join('|'), (accepted.get(a.join('|')) ?? 0) + 1);
    const ledger: Row[] = await withWarehouse((wh) =>
      wh.all(`SELECT recipient, state FROM deliveries ORDER BY recipient`),
    );
    expect(
      ledger.map((l) => l.recipient),
      where,
    ).toEqual(RECIPIENTS);
    for (const l of ledger) {
      const n = accepted.get(String(l.recipient)) ?? 0;
      expect(n, `${where}: ${String(l.recipient)} accepted ${n} times`).toBeLessThanOrEqual(1);
      if (l.state === 'sent') expect(n, `${where}: ${String(l.recipient)} sent`).toBe(1);
      else expect(l.state, `${where}: ${String(l.recipient)}`).toBe('uncertain');
      if (l.state === 'uncertain') uncertainSeen++;
    }
    // No run is left 'running' but one killed outright (SIGKILL gives no chance to write it down).
    const running = await withWarehouse((wh) =>
      wh.all(`SELECT count(*)::INTEGER AS n FROM runs WHERE job = 'digest' AND state = 'running'`),
    );
    expect(running[0]!.n, where).toBeLessThanOrEqual(
      rounds.slice(0, i + 1).filter((r) => r.signal === 'SIGKILL').length,
    );
  }
  // The rounds did what they are for: stalls happened, and some ended uncertain.
  expect(stalls, `STALL_SEED=${seed}`).toBeGreaterThan(0);
  expect(uncertainSeen, `STALL_SEED=${seed}`).toBeGreaterThan(0);
  expect(terms + rounds.filter((r) => r.signal === 'SIGKILL').length, `STALL_SEED=${seed}`).toBeGreaterThan(
    0,
  );
}, 240_000);

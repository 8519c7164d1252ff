// Covers src/schedule/scheduler.ts, src/schedule/worker.ts, src/schedule/runner.ts, src/schedule/dueTimes.ts. The
// scheduler: due times across daylight saving (pure, then the real worker on a fake clock), no overlap, the locks, the
// run log states, waiting for the drop, and failure alerts through a real SMTP server.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SCHEDULED_JOB_TABLE } from '../jobs/scheduled.js';
import { dropNotReady } from '../src/schedule/dropWait.js';
import { jobLockFile, runJob, type RunDeps } from '../src/schedule/runner.js';
import { asOfDate } from '../src/schedule/dueTimes.js';
import { findMissed } from '../src/schedule/missedRuns.js';
import { startScheduler, workerLockFile } from '../src/schedule/scheduler.js';
import { formatStatus, status } from '../jobs/status.js';
import { loadCatalog, loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { silentLogger } from '../src/log.js';
import { alertDecision } from '../src/schedule/alerts.js';
import { DueTimes, localDateBefore } from '../src/schedule/dueTimes.js';
import { acquireLock, LockHeldError, staleReason } from '../src/schedule/lockFile.js';
import { Worker, type SkippedSlot } from '../src/schedule/worker.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { DROP_DATE, rulesDrop } from './fixtures/rulesDrop.js';
import { PARTNER, tempDir } from './helpers/context.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type TestSmtp } from './helpers/smtp.js';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const at = (s: string) => Date.parse(s);

function dues(expression: string, timeZone: string, from: string, to: string): string[] {
  return new DueTimes({ expression, timeZone }).between(at(from), at(to)).map(iso);
}

describe('due times across daylight saving (pure)', () => {
  it('New York, spring forward: 02:30 does not exist on 8 March, so the run happens when the clocks jump (03:00 EDT)', () => {
    expect(dues('30 2 * * *', 'America/New_York', '2026-03-06T12:00Z', '2026-03-10T12:00Z')).toEqual([
      '2026-03-07T07:30', // 02:30 EST
      '2026-03-08T07:00', // 03:00 EDT: the moment 02:00 became 03:00
      '2026-03-09T06:30', // 02:30 EDT
      '2026-03-10T06:30',
    ]);
  });

  it('New York, fall back: 01:30 happens twice on 1 November, and a fixed-time job runs once, at the first', () => {
    expect(dues('30 1 * * *', 'America/New_York', '2026-10-30T12:00Z', '2026-11-02T12:00Z')).toEqual([
      '2026-10-31T05:30',
      '2026-11-01T05:30', // 01:30 EDT; not again at 01:30 EST (06:30Z)
      '2026-11-02T06:30',
    ]);
  });

  it('New York, fall back: a job every 30 minutes runs in both passes of the repeated hour (it really elapses twice)', () => {
    expect(dues('*/30 * * * *', 'America/New_York', '2026-11-01T04:45Z', '2026-11-01T07:00Z')).toEqual([
      '2026-11-01T05:00', // 01:00 EDT
      '2026-11-01T05:30', // 01:30 EDT
      '2026-11-01T06:00', // 01:00 EST
      '2026-11-01T06:30', // 01:30 EST
      '2026-11-01T07:00', // 02:00 EST
    ]);
  });

  it('London, both changes: 01:30 skipped in March runs at 02:00 BST; repeated in October, runs once', () => {
    expect(dues('30 1 * * *', 'Europe/London', '2026-03-28T00:00Z', '2026-03-30T12:00Z')).toEqual([
      '2026-03-28T01:30',
      '2026-03-29T01:00', // 02:00 BST, when 01:00 GMT became 02:00 BST
      '2026-03-30T00:30',
    ]);
    expect(dues('30 1 * * *', 'Europe/London', '2026-10-24T00:00Z', '2026-10-26T12:00Z')).toEqual([
      '2026-10-24T00:30',
      '2026-10-25T00:30', // 01:30 BST only
      '2026-10-26T01:30',
    ]);
  });

  it('the default schedules: ingest 02:30 daily and digest Monday 07:00 in the configured zone', () => {
    const config = loadConfig();
    expect(
      dues(config.schedule.ingest.cron, 'Europe/London', '2026-11-24T00:00Z', '2026-11-26T00:00Z'),
    ).toEqual(['2026-11-24T02:30', '2026-11-25T02:30']);
    expect(
      dues(config.schedule.digest.cron, 'Europe/London', '2026-11-24T00:00Z', '2026-12-08T00:00Z'),
    ).toEqual(['2026-11-30T07:00', '2026-12-07T07:00']);
  });

  it('a run derives its as-of date from the time it was due, in the schedule zone', () => {
    const config = loadConfig();
    config.schedule.timeZone = 'America/New_York';
    // 00:30 in New York on the 24th is 05:30 UTC: the drop of the 23rd, whatever the machine's zone.
    expect(asOfDate(config, 'ingest', at('2026-11-24T05:30Z'))).toBe('2026-11-23');
    expect(localDateBefore(at('2026-11-24T03:00Z'), 'America/New_York', 1)).toBe('2026-11-22');
    expect(asOfDate(config, 'digest', at('2026-11-30T12:00Z'))).toBe('2026-11-29');
  });

  it('refuses an invalid cron expression in the configuration, naming the key', () => {
    expect(() => loadConfig(writeTempConfig({ schedule: { ingest: { cron: '61 2 * * *' } } }))).toThrow(
      /schedule\.ingest\.cron: must be a cron expression/,
    );
  });
});

function writeTempConfig(json: unknown): string {
  const file = path.join(os.tmpdir(), `adoption-config-${process.pid}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

describe('the worker on a fake clock', () => {
  afterEach(() => vi.useRealTimers());

  function worker(expression: string, timeZone: string, runMs = 0) {
    const ran: { due: string; start: number; end: number }[] = [];
    const skipped: SkippedSlot[] = [];
    let active = 0;
    let maxActive = 0;
    const w = new Worker({
      jobs: [{ name: 'ingest', due: new DueTimes({ expression, timeZone }) }],
      log: silentLogger(),
      lateToleranceMs: 60 * 60_000,
      run: async (_job, dueMs) => {
        active++;
        maxActive = Math.max(maxActive, active);
        const start = Date.now();
        if (runMs) await new Promise((r) => setTimeout(r, runMs));
        active--;
        ran.push({ due: iso(dueMs), start, end: Date.now() });
      },
      recordSkipped: async (slots) => void skipped.push(...slots),
    });
    return { w, ran, skipped, maxActive: () => maxActive };
  }

  it('runs each due time once across the spring change in New York, receiving the time it was due', async () => {
    vi.useFakeTimers({ now: at('2026-03-06T12:00:00Z') });
    const { w, ran, skipped } = worker('30 2 * * *', 'America/New_York');
    w.start();
    await vi.advanceTimersByTimeAsync(4 * 86_400_000);
    await w.stop();
    expect(ran.map((r) => r.due)).toEqual([
      '2026-03-07T07:30',
      '2026-03-08T07:00',
      '2026-03-09T06:30',
      '2026-03-10T06:30',
    ]);
    expect(skipped).toEqual([]);
    // each run started at its due time, not a tick later
    for (const r of ran) expect(iso(r.start)).toBe(r.due);
  });

  it('runs once, not twice, across the autumn change in New York', async () => {
    vi.useFakeTimers({ now: at('2026-10-30T12:00:00Z') });
    const { w, ran } = worker('30 1 * * *', 'America/New_York');
    w.start();
    await vi.advanceTimersByTimeAsync(3 * 86_400_000);
    await w.stop();
    expect(ran.map((r) => r.due)).toEqual(['2026-10-31T05:30', '2026-11-01T05:30', '2026-11-02T06:30']);
  });

  it('never overlaps a run that outlasts its interval: the slots that came due meanwhile are recorded as skipped', async () => {
    vi.useFakeTimers({ now: at('2026-11-24T10:00:00Z') });
    const { w, ran, skipped, maxActive } = worker('*/2 * * * * *', 'Europe/London', 5000);
    w.start();
    await vi.advanceTimersByTimeAsync(13_000);
    await w.stop();
    expect(maxActive()).toBe(1);
    expect(ran.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < ran.length; i++) expect(ran[i]!.start).toBeGreaterThanOrEqual(ran[i - 1]!.end);
    expect(skipped.length).toBeGreaterThanOrEqual(3);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((s) => /was still running/.test(s.reason))).toBe(true);
  });

  it('on stop, tells the running job (its signal aborts), waits for it to reach its safe point, and starts nothing new', async () => {
    vi.useFakeTimers({ now: at('2026-11-24T10:00:00Z') });
    const seen: { aborted: boolean; finishedAt?: number }[] = [];
    const w = new Worker({
      jobs: [{ name: 'ingest', due: new DueTimes({ expression: '*/2 * * * * *', timeZone: 'UTC' }) }],
      log: silentLogger(),
      lateToleranceMs: 60_000,
      run: async (_job, _due, signal) => {
        const me: { aborted: boolean; finishedAt?: number } = { aborted: false };
        seen.push(me);
        // a job that checks its signal between steps of one second
        for (let step = 0; step < 10 && !signal.aborted; step++)
          await new Promise((r) => setTimeout(r, 1000));
        me.aborted = signal.aborted;
        me.finishedAt = Date.now();
      },
      recordSkipped: async () => undefined,
    });
    w.start();
    await vi.advanceTimersByTimeAsync(3500);
    expect(w.running()).not.toBeNull();
    const stopped = w.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1000);
    await stopped;
    expect(done).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
    expect(w.running()).toBeNull();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toHaveLength(1); // nothing started after the stop
  });

  it('reports a slot noticed long after it was due (the machine slept) as missed instead of running it late', async () => {
    vi.useFakeTimers({ now: at('2026-11-24T02:00:00Z') });
    const { w, ran, skipped } = worker('30 2 * * *', 'Europe/London');
    w.start();
    vi.setSystemTime(at('2026-11-24T05:00:00Z')); // asleep from 02:00 to 05:00: no timer fired
    await vi.advanceTimersByTimeAsync(61_000);
    await w.stop();
    expect(ran).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.reason).toMatch(/^missed: noticed 15\d min after it was due/);
  });
});

describe('locks', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('a held lock names its holder; a released one can be taken again', () => {
    const file = path.join(dir, 'w.lock');
    const a = acquireLock(file, { purpose: 'adoption schedule', what: 'cannot start', staleAfterMs: 60_000 });
    expect(() => acquireLock(file, { purpose: 'x', what: 'cannot start', staleAfterMs: 60_000 })).toThrow(
      new RegExp(`cannot start: process ${process.pid} on .* holds .*w\\.lock \\(adoption schedule, since`),
    );
    a.release();
    expect(existsSync(file)).toBe(false);
    acquireLock(file, { purpose: 'again', what: 'x', staleAfterMs: 60_000 }).release();
  });

  it('takes over a stale lock: a dead process on this host, or no heartbeat within the timeout', () => {
    const file = path.join(dir, 'w.lock');
    const old = (pid: number, host: string, beat: string) =>
      writeFileSync(
        file,
        JSON.stringify({ pid, host, purpose: 'adoption schedule', startedAt: beat, heartbeatAt: beat }),
      );
    const now = new Date().toISOString();
    old(999_999, os.hostname(), now);
    const seen: string[] = [];
    const lock = acquireLock(file, {
      purpose: 'me',
      what: 'x',
      staleAfterMs: 60_000,
      isAlive: (pid) => pid === process.pid,
      onStale: (_prev, why) => seen.push(why),
    });
    expect(seen).toEqual(['process 999999 is no longer running']);
    lock.release();
    // Another machine (a shared disk): its process cannot be checked, only its heartbeat.
    old(1234, 'other-host', new Date(Date.now() - 20 * 60_000).toISOString());
    expect(staleReason(file, JSON.parse(readFileSync(file, 'utf8')), { staleAfterMs: 10 * 60_000 })).toMatch(
      /no heartbeat since/,
    );
    acquireLock(file, { purpose: 'me', what: 'x', staleAfterMs: 10 * 60_000 }).release();
    old(1234, 'other-host', now);
    expect(() => acquireLock(file, { purpose: 'me', what: 'x', staleAfterMs: 10 * 60_000 })).toThrow(
      LockHeldError,
    );
  });

  it('two processes taking over the same stale lock: the one that comes second finds the first holding it', () => {
    const file = path.join(dir, 'w.lock');
    const beat = new Date().toISOString();
    writeFileSync(
      file,
      JSON.stringify({
        pid: 999_999,
        host: os.hostname(),
        purpose: 'crashed',
        startedAt: beat,
        heartbeatAt: beat,
      }),
    );
    const isAlive = (pid: number) => pid === process.pid;
    let rival: ReturnType<typeof acquireLock> | undefined;
    const takeOver = () =>
      acquireLock(file, {
        purpose: 'second',
        what: 'cannot start',
        staleAfterMs: 60_000,
        isAlive,
        // Both judged the crashed lock stale; the rival moves it aside and writes its own before this one does.
        beforeTakeover: () => {
          rival = acquireLock(file, { purpose: 'first', what: 'x', staleAfterMs: 60_000, isAlive });
        },
      });
    expect(takeOver).toThrow(/cannot start: process \d+ on .* holds .*w\.lock \(first, since/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      purpose: 'first',
      startedAt: rival!.info.startedAt,
    });
    expect(readdirSync(dir)).toEqual(['w.lock']);
    rival!.release();
    expect(existsSync(file)).toBe(false);
  });
});

describe('scheduled runs against a real warehouse', () => {
  let dir: string;
  let cleanup: () => void;
  let config: Config;
  let smtp: TestSmtp | undefined;
  const DUE = at('2026-11-24T02:30:00Z'); // 02:30 in London: the drop of 2026-11-23

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    config = loadConfig();
    config.exportsRoot = path.join(dir, 'exports');
    config.warehouse.path = path.join(dir, 'warehouse.duckdb');
    config.warehouse.busyWaitSeconds = 1;
    config.partner.tenantId = PARTNER;
    config.outputDir = path.join(dir, 'reports');
    config.digest.outbox = path.join(dir, 'outbox');
    config.schedule.ingest.waitForDropMinutes = 0.002; // ~120 ms
    config.schedule.ingest.retryEveryMinutes = 0.0005; // 30 ms
    config.schedule.alertTo = 'ops@partner.example';
  });
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
    cleanup();
  });

  const deps = (extra: Partial<RunDeps> = {}): RunDeps => ({
    config,
    catalog: loadCatalog(config),
    log: silentLogger(),
    env: { ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD },
    jobs: SCHEDULED_JOB_TABLE,
    ...extra,
  });

  async function runsTable() {
    const wh = await Warehouse.open(config.warehouse.path);
    try {
      return await wh.all(
        `SELECT job, trigger, strftime(due_at, '%Y-%m-%dT%H:%M') AS due, state, error, json_extract_string(params, '$.date') AS date FROM runs ORDER BY started_at`,
      );
    } finally {
      wh.close();
    }
  }

  async function useSmtp() {
    smtp = await startSmtp();
    Object.assign(config.smtp, {
      host: '127.0.0.1',
      port: smtp.port,
      requireTLS: true,
      user: SMTP_USER,
      rejectUnauthorized: false,
      retries: 0,
      retryDelayMs: 1,
    });
  }

  it('a missing drop fails after its wait, with the reason in the run log, and alerts the operator once, then throttles', async () => {
    await useSmtp();
    const first = await runJob(deps(), { job: 'ingest', dueMs: DUE, trigger: 'schedule' });
    expect(first).toMatchObject({ state: 'failed', asOf: DROP_DATE, alert: 'sent' });
    expect(first.error).toMatch(/the drop of 2026-11-23 was not ready after waiting .* does not exist/);
    const second = await runJob(deps(), { job: 'ingest', dueMs: DUE + 86_400_000, trigger: 'schedule' });
    expect(second).toMatchObject({ state: 'failed', alert: 'throttled' });
    expect(smtp!.messages).toHaveLength(1);
    const alert = smtp!.messages[0]!;
    expect(alert.to).toMatchObject({ text: 'ops@partner.example' });
    expect(alert.subject).toBe('adoption-insights: ingest failed (as of 2026-11-23)');
    expect(alert.text).toContain('Due:      2026-11-24 02:30 Europe/London (2026-11-24 02:30 UTC)');
    expect(alert.text).toContain('adoption run ingest --date 2026-11-23');
    expect(await runsTable()).toMatchObject([
      { job: 'ingest', trigger: 'schedule', due: '2026-11-24T02:30', state: 'failed', date: '2026-11-23' },
      { job: 'ingest', trigger: 'schedule', due: '2026-11-25T02:30', state: 'failed', date: '2026-11-24' },
    ]);
    // After the throttle window, the next failure is alerted again, and says how many were held back.
    const third = await runJob(deps({ now: () => Date.now() + 7 * 3_600_000 }), {
      job: 'ingest',
      dueMs: DUE + 2 * 86_400_000,
      trigger: 'schedule',
    });
    expect(third.alert).toBe('sent');
    expect(smtp!.messages).toHaveLength(2);
    expect(smtp!.messages[1]!.text).toContain('1 earlier failure alert(s) of this job were held back');
    expect(
      alertDecision({ ingest: { lastSentAt: new Date(0).toISOString(), heldBack: 0 } }, 'ingest', 1000, 5000),
    ).toBe('throttle');
  });

  it('waits for the drop and its manifest, and loads it once both are there', async () => {
    const dropDir = path.join(config.exportsRoot, DROP_DATE);
    let sleeps = 0;
    const sleep = async () => {
      sleeps++;
      if (sleeps === 1) {
        writeDrop(dropDir, rulesDrop());
        rmSync(path.join(dropDir, 'manifest.json')); // the exporter has not finished
      }
      if (sleeps === 2) writeDrop(dropDir, rulesDrop()); // now it has (manifest written last)
    };
    config.schedule.ingest.waitForDropMinutes = 10;
    const report = await runJob(deps({ sleep }), { job: 'ingest', dueMs: DUE, trigger: 'schedule' });
    expect(report).toMatchObject({ state: 'succeeded', asOf: DROP_DATE });
    expect(sleeps).toBe(2);
    expect(await runsTable()).toMatchObject([
      { job: 'ingest', trigger: 'schedule', state: 'succeeded', error: null },
    ]);
  });

  it('a drop whose files disagree with its manifest is not loaded: the run fails after the wait, saying which file', async () => {
    const dropDir = path.join(config.exportsRoot, DROP_DATE);
    writeDrop(dropDir, rulesDrop());
    const customers = path.join(dropDir, 'customers.csv');
    writeFileSync(customers, readFileSync(customers, 'utf8').replace('Main Rules Ltd', 'Main Rules Limited')); // edited after the export
    const report = await runJob(deps(), { job: 'ingest', dueMs: DUE, trigger: 'schedule' });
    expect(report.state).toBe('failed');
    expect(report.error).toMatch(
      /does not match its manifest\.json: customers\.csv is \d+ bytes; manifest\.json says \d+/,
    );
    // No SMTP server configured: the alert goes to the outbox folder, like the digests.
    expect(report.alert).toBe('sent');
    expect(readdirSync(path.join(config.digest.outbox, 'alerts'))).toEqual(['ops@partner.example.eml']);
  });

  it('a run that finds the job lock held by a live process is skipped, naming the holder', async () => {
    writeDrop(path.join(config.exportsRoot, DROP_DATE), rulesDrop());
    const held = acquireLock(jobLockFile(config), {
      purpose: 'adoption run: backfill',
      what: 'x',
      staleAfterMs: 60_000,
    });
    try {
      const report = await runJob(deps(), { job: 'ingest', dueMs: DUE, trigger: 'schedule' });
      expect(report.state).toBe('skipped');
      expect(report.error).toMatch(/holds .*job\.lock \(adoption run: backfill/);
    } finally {
      held.release();
    }
    expect((await runJob(deps(), { job: 'ingest', dueMs: DUE, trigger: 'schedule' })).state).toBe(
      'succeeded',
    );
  });

  it('the weekly digest runs from its due time, and a week with no data fails rather than "succeeding" with nothing sent', async () => {
    await useSmtp();
    const report0 = await runJob(deps(), {
      job: 'digest',
      dueMs: at('2026-11-24T07:00:00Z'),
      trigger: 'schedule',
    });
    expect(report0.state).toBe('failed');
    expect(report0.error).toMatch(/no data for the week ending 2026-11-23/);
    writeDrop(path.join(config.exportsRoot, DROP_DATE), rulesDrop());
    expect((await runJob(deps(), { job: 'ingest', dueMs: DUE, trigger: 'schedule' })).state).toBe(
      'succeeded',
    );
    const report = await runJob(deps(), {
      job: 'digest',
      dueMs: at('2026-11-24T07:00:00Z'),
      trigger: 'schedule',
    });
    expect(report).toMatchObject({ state: 'succeeded', asOf: DROP_DATE });
    const digests = smtp!.messages.filter(
      (m) => /digest|adoption/i.test(m.subject ?? '') && !/failed/.test(m.subject ?? ''),
    );
    expect(digests.map((m) => (m.to && 'text' in m.to ? m.to.text : '')).sort()).toEqual([
      'am1@partner.example',
      'am2@partner.example',
    ]);
    expect(await runsTable()).toMatchObject([
      { job: 'digest', state: 'failed' },
      { job: 'ingest', state: 'succeeded' },
      { job: 'digest', trigger: 'schedule', due: '2026-11-24T07:00', state: 'succeeded' },
    ]);
    // After the week's digests, the warehouse's row groups are merged; the run's report says how long that took.
    const wh = await Warehouse.open(config.warehouse.path);
    try {
      const compactions = await wh.all(`SELECT seconds FROM compactions WHERE trigger = 'schedule'`);
      expect(compactions.length).toBeGreaterThanOrEqual(1);
      expect(report.counts?.compactedSeconds).toBeCloseTo(Number(compactions.at(-1)!.seconds), 1);
    } finally {
      wh.close();
    }
  });

  it('a second scheduler on the same warehouse is refused, naming the first; missed runs are reported, recorded and shown by status', async () => {
    config.schedule.digest.enabled = false;
    writeDrop(path.join(config.exportsRoot, DROP_DATE), rulesDrop());
    expect((await runJob(deps(), { job: 'ingest', dueMs: DUE, trigger: 'schedule' })).state).toBe(
      'succeeded',
    );
    // The scheduler was down for three nights after that run.
    const now = DUE + 3 * 86_400_000 + 3_600_000 * 5;
    const missed = await findMissed(config, new Map([['ingest', DUE]]), now);
    expect(missed.map((m) => [iso(m.dueMs), m.asOf, m.rerun])).toEqual([
      ['2026-11-25T02:30', '2026-11-24', 'adoption run ingest --date 2026-11-24'],
      ['2026-11-26T02:30', '2026-11-25', 'adoption run ingest --date 2026-11-25'],
      ['2026-11-27T02:30', '2026-11-26', 'adoption run ingest --date 2026-11-26'],
    ]);
    // status, with no scheduler running, computes them from the run log
    const wh = await Warehouse.open(config.warehouse.path);
    const s = await status(
      { config, catalog: loadCatalog(config), log: silentLogger(), wh },
      {
        asOf: '2026-11-27',
        trigger: 'manual',
        nowMs: now,
      },
    );
    wh.close();
    expect(s.missed.map((m) => m.asOf)).toEqual(['2026-11-24', '2026-11-25', '2026-11-26']);
    expect(formatStatus(s)).toMatch(/missed scheduled runs \(3; not replayed/);

    const handle = await startScheduler(deps({ now: () => now }));
    try {
      expect(handle.missed).toHaveLength(3);
      await expect(startScheduler(deps({ now: () => now }))).rejects.toThrow(
        new RegExp(
          `another \`adoption schedule\` is already running on this warehouse: process ${process.pid}`,
        ),
      );
      expect(existsSync(workerLockFile(config))).toBe(true);
      // The worker idles with the warehouse closed: another process (here, this one) can open it.
      const other = await Warehouse.open(config.warehouse.path);
      const rows = await other.all(`SELECT state, error FROM runs WHERE state = 'skipped' ORDER BY due_at`);
      other.close();
      expect(rows).toHaveLength(3);
      expect(String(rows[0]!.error)).toMatch(
        /^missed: no scheduler was running at the due time; run `adoption run ingest --date 2026-11-24`/,
      );
    } finally {
      await handle.stop();
    }
    expect(existsSync(workerLockFile(config))).toBe(false);
  });
});

describe('dropNotReady', () => {
  it('wants the manifest when it is required, and ignores files the manifest does not list', () => {
    const base = { files: [], issues: [] };
    expect(dropNotReady({ ...base, manifest: { present: false, problems: [] } }, true)).toMatch(
      /manifest\.json is missing/,
    );
    expect(dropNotReady({ ...base, manifest: { present: false, problems: [] } }, false)).toBeNull();
    expect(
      dropNotReady(
        {
          ...base,
          manifest: { present: true, problems: [{ file: 'x.csv', kind: 'unlisted', message: 'm' }] },
        },
        true,
      ),
    ).toBeNull();
  });
});

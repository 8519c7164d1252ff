// The long-lived scheduler: node-cron ticks the clock, DueTimes says when each job is due, and runs go through a
// queue one at a time, so that a job never overlaps itself or another job on the same warehouse.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import { describeInstant, type DueTimes } from './dueTimes.js';

export interface WorkerJob<J extends string = string> {
  name: J;
  due: DueTimes;
}

export interface SkippedSlot<J extends string = string> {
  job: J;
  dueMs: number;
  reason: string;
}

export interface WorkerOptions<J extends string = string> {
  jobs: WorkerJob<J>[];
  /** runs one job; resolves when it has finished (it reports its own failures) */
  run: (job: J, dueMs: number, signal: AbortSignal) => Promise<unknown>;
  /** writes slots that were not run to the run log; called between runs, never during one */
  recordSkipped: (slots: SkippedSlot<J>[]) => Promise<void>;
  log: Logger;
  /** a slot noticed later than this after its due time is reported missed instead of run late */
  lateToleranceMs: number;
  now?: () => number;
  /** called after each run, with the next due time of every job (for the log, and for tests) */
  onRunFinished?: (job: J, dueMs: number) => void;
}

export class Worker<J extends string = string> {
  private readonly next = new Map<J, number>();
  private readonly queue: { job: J; dueMs: number }[] = [];
  private readonly skipped: SkippedSlot<J>[] = [];
  private current: { job: J; dueMs: number } | null = null;
  private pumping: Promise<void> | null = null;
  private tick: ScheduledTask | null = null;
  private readonly abort = new AbortController();
  private stopping = false;
  private readonly now: () => number;

  constructor(private readonly opts: WorkerOptions<J>) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Starts the clock. Each job's first due time is the one after `from` (a time, or one per job: the scheduler
   * passes the last due time in the run log, so that a restart neither repeats nor drops a run).
   */
  start(from: number | ReadonlyMap<J, number> = this.now()): void {
    for (const j of this.opts.jobs) {
      const after = typeof from === 'number' ? from : (from.get(j.name) ?? this.now());
      this.next.set(j.name, j.due.next(after));
    }
    this.logNextRuns('scheduler started');
    // A job with a seconds field needs a tick every second; otherwise once a minute is enough and much cheaper.
    const everySecond = this.opts.jobs.some(
      (j) => j.due.schedule.expression.trim().split(/\s+/).length === 6,
    );
    this.tick = cron.schedule(everySecond ? '* * * * * *' : '0 * * * * *', () => this.onTick(), {
      name: 'adoption-clock',
      timezone: 'UTC',
      // Ticks it could not fire (the machine slept) do not matter: the next tick looks at the clock and catches up.
      suppressMissedWarning: true,
      logger: {
        info: (m) => this.opts.log.debug({ source: 'node-cron' }, String(m)),
        warn: (m) => this.opts.log.debug({ source: 'node-cron' }, String(m)),
        error: (m, err) => this.opts.log.error({ source: 'node-cron', err }, String(m)),
        debug: (m) => this.opts.log.debug({ source: 'node-cron' }, String(m)),
      },
    });
  }

  nextDue(job: J): number | undefined {
    return this.next.get(job);
  }

  running(): { job: J; dueMs: number } | null {
    return this.current;
  }

  /** Looks at the clock: queues what is due, records what was missed or would overlap. */
  onTick(): void {
    if (this.stopping) return;
    const now = this.now();
    for (const j of this.opts.jobs) {
      let due = this.next.get(j.name)!;
      const slots: number[] = [];
      for (; due <= now && slots.length < 10_000; due = j.due.next(due)) slots.push(due);
      this.next.set(j.name, due);
      if (slots.length === 0) continue;
      // Several slots at once (a frequent job after a pause): the newest is the one worth running.
      const newest = slots.pop()!;
      for (const s of slots) {
        if (now - s > this.opts.lateToleranceMs) this.skip(j.name, s, this.missedReason(now, s));
        else
          this.skip(j.name, s, 'superseded: a later run of the same job was due before this one could start');
      }
      const busy = this.current?.job === j.name ? this.current : this.queue.find((q) => q.job === j.name);
      if (busy) {
        this.skip(
          j.name,
          newest,
          `the run due ${describeInstant(busy.dueMs, j.due.schedule.timeZone)} was still running`,
        );
      } else if (now - newest > this.opts.lateToleranceMs) {
        this.skip(j.name, newest, this.missedReason(now, newest));
      } else {
        this.queue.push({ job: j.name, dueMs: newest });
      }
    }
    if (this.queue.length || this.skipped.length) void this.pump();
  }

  private missedReason(now: number, due: number): string {
    return `missed: noticed ${Math.round((now - due) / 60_000)} min after it was due (the machine slept or the worker was blocked); not run late`;
  }

  private skip(job: J, dueMs: number, reason: string): void {
    this.opts.log.warn({ job, due: new Date(dueMs).toISOString(), reason }, 'run skipped');
    this.skipped.push({ job, dueMs, reason });
  }

  private pump(): Promise<void> {
    if (this.pumping) return this.pumping;
    this.pumping = (async () => {
      try {
        while (true) {
          if (this.skipped.length) {
            const slots = this.skipped.splice(0);
            await this.opts.recordSkipped(slots).catch((err: Error) => {
              this.opts.log.error(
                { error: err.message, slots: slots.length },
                'could not record skipped runs',
              );
            });
          }
          if (this.stopping) break;
          const item = this.queue.shift();
          if (!item) break;
          this.current = item;
          try {
            await this.opts.run(item.job, item.dueMs, this.abort.signal);
          } catch (err) {
            this.opts.log.error({ err, job: item.job }, 'run failed unexpectedly');
          } finally {
            this.current = null;
          }
          this.opts.onRunFinished?.(item.job, item.dueMs);
          if (!this.stopping) this.logNextRuns('next runs');
        }
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  logNextRuns(msg: string): void {
    const next = Object.fromEntries(
      this.opts.jobs.map((j) => [j.name, describeInstant(this.next.get(j.name)!, j.due.schedule.timeZone)]),
    );
    this.opts.log.info({ next }, msg);
  }

  /**
   * Stops the clock. The running job is told (its signal aborts) and is waited for: it stops at its next safe
   * point or finishes. Queued runs are not started.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.tick?.destroy();
    this.tick = null;
    for (const q of this.queue.splice(0)) this.skip(q.job, q.dueMs, 'the worker was stopping');
    await this.pumping;
    if (this.skipped.length) {
      await this.opts
        .recordSkipped(this.skipped.splice(0))
        .catch((err: Error) => this.opts.log.error({ error: err.message }, 'could not record skipped runs'));
    }
  }
}

// When a scheduled job is due, in an IANA time zone, across daylight-saving changes. Pure: no timers, no clock.
//
// node-cron parses and validates the expression and says which days match; the wall-clock → instant step is
// ours, because node-cron drops a run whose local time falls in the hour skipped in spring. The rules are those
// of Vixie cron, which operators know:
//   - a time skipped by the spring change runs at the moment the clocks jump (02:30 → 03:00 new time);
//   - a time repeated by the autumn change runs once, at its first occurrence, for a job at fixed hours;
//     a job that runs every hour (hour field `*`) runs in both passes, since that hour really elapses twice.
import cron from 'node-cron';
import type { Config } from '../config/schema.js';
import { scheduleTimeZone, type ScheduledJob } from './scheduledJobs.js';

export interface CronSchedule {
  expression: string;
  timeZone: string;
}

interface Wall {
  y: number;
  mo: number; // 1–12
  d: number;
  h: number;
  mi: number;
  s: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock time of an instant. */
export function wallTime(instantMs: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instantMs)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    y: parts.year!,
    mo: parts.month!,
    d: parts.day!,
    h: parts.hour!,
    mi: parts.minute!,
    s: parts.second!,
  };
}

function wallAsUtcMs(w: Wall): number {
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetMs(instantMs: number, timeZone: string): number {
  const t = Math.floor(instantMs / 1000) * 1000;
  return wallAsUtcMs(wallTime(t, timeZone)) - t;
}

/**
 * The instants that show this wall-clock time: one normally, two in the repeated autumn hour, none in the
 * skipped spring hour.
 */
export function instantsOf(w: Wall, timeZone: string): number[] {
  const guess = wallAsUtcMs(w);
  const offsets = new Set([-1, 0, 1].map((k) => offsetMs(guess + k * 86_400_000, timeZone)));
  const out = new Set<number>();
  for (const o of offsets) {
    const t = guess - o;
    if (wallAsUtcMs(wallTime(t, timeZone)) === guess) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}

/** The first instant after a skipped wall-clock time: the moment the clocks jumped. */
function endOfGap(w: Wall, timeZone: string): number {
  const guess = wallAsUtcMs(w);
  // The jump happened after (this wall time read with the new offset) and by (read with the old one): find where
  // the offset changes between the two, to the second.
  const before = offsetMs(guess - 86_400_000, timeZone);
  let lo = guess - offsetMs(guess + 86_400_000, timeZone) - 1000;
  let hi = guess - before;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetMs(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

export class DueTimes {
  private readonly fields: ReturnType<typeof cron.parse>;
  private readonly dayMatcher: ReturnType<typeof cron.createTask>;
  private readonly everyHour: boolean;

  constructor(readonly schedule: CronSchedule) {
    const check = cron.validateDetailed(schedule.expression);
    if (!check.valid)
      throw new RangeError(
        `"${schedule.expression}" is not a cron expression: ${check.errors.map((e) => e.message).join('; ')}`,
      );
    this.fields = cron.parse(schedule.expression);
    // Evaluated in UTC on a wall time written as UTC: node-cron's own rules for day of month, L, #, and the
    // OR between day of month and day of week.
    this.dayMatcher = cron.createTask(schedule.expression, () => undefined, { timezone: 'UTC' });
    this.everyHour = this.fields.hour.length === 24;
  }

  private dayMatches(y: number, mo: number, d: number): boolean {
    const { hour, minute, second } = this.fields;
    return this.dayMatcher.match(new Date(Date.UTC(y, mo - 1, d, hour[0]!, minute[0]!, second[0]!)));
  }

  /** Wall-clock times that match, in order, from `start` (included). */
  private *walls(start: Wall): Generator<Wall> {
    const day = new Date(Date.UTC(start.y, start.mo - 1, start.d));
    const startKey = start.h * 3600 + start.mi * 60 + start.s;
    for (let i = 0; i < 366 * 8; i++) {
      const y = day.getUTCFullYear();
      const mo = day.getUTCMonth() + 1;
      const d = day.getUTCDate();
      if (this.fields.month.includes(mo) && this.dayMatches(y, mo, d)) {
        for (const h of this.fields.hour)
          for (const mi of this.fields.minute)
            for (const s of this.fields.second) {
              if (i === 0 && h * 3600 + mi * 60 + s < startKey) continue;
              yield { y, mo, d, h, mi, s };
            }
      }
      day.setUTCDate(day.getUTCDate() + 1);
    }
  }

  /** When the job is next due strictly after `afterMs`. */
  next(afterMs: number): number {
    const tz = this.schedule.timeZone;
    // Start a few hours back in wall time: after the autumn change, wall times just before now recur.
    const start = wallTime(afterMs - 3 * 3_600_000, tz);
    let best: number | undefined;
    for (const w of this.walls(start)) {
      const seen = wallAsUtcMs(w);
      if (best !== undefined && seen > wallAsUtcMs(wallTime(best, tz)) + 3 * 3_600_000) break;
      const at = instantsOf(w, tz);
      const candidates = at.length === 0 ? [endOfGap(w, tz)] : this.everyHour ? at : [at[0]!];
      for (const t of candidates) if (t > afterMs && (best === undefined || t < best)) best = t;
    }
    if (best === undefined)
      throw new RangeError(`"${this.schedule.expression}" never matches in the next eight years`);
    return best;
  }

  /** Every due time in (afterMs, untilMs], oldest first; at most `limit`. */
  between(afterMs: number, untilMs: number, limit = 1000): number[] {
    const out: number[] = [];
    for (let t = this.next(afterMs); t <= untilMs && out.length < limit; t = this.next(t)) out.push(t);
    return out;
  }
}

/** "2026-11-24 02:30 Europe/London (02:30 UTC)": how the operator reads a due time. */
export function describeInstant(ms: number, timeZone: string): string {
  const w = wallTime(ms, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  const local = `${w.y}-${p(w.mo)}-${p(w.d)} ${p(w.h)}:${p(w.mi)}${w.s ? `:${p(w.s)}` : ''}`;
  const utc = new Date(ms).toISOString();
  return `${local} ${timeZone} (${utc.slice(0, 10)} ${utc.slice(11, w.s ? 19 : 16)} UTC)`;
}

/** The local calendar date of an instant, minus some days: how a run derives its as-of date from its due time. */
export function localDateBefore(ms: number, timeZone: string, days: number): string {
  const w = wallTime(ms, timeZone);
  const d = new Date(Date.UTC(w.y, w.mo - 1, w.d - days));
  return d.toISOString().slice(0, 10);
}

/**
 * The as-of date of a run: the drop of the day before (collect, ingest), the week holding the day before (digest).
 */
export function asOfDate(config: Config, job: ScheduledJob, dueMs: number): string {
  const tz = scheduleTimeZone(config);
  return job === 'digest'
    ? localDateBefore(dueMs, tz, config.schedule.digest.weekDaysBefore)
    : localDateBefore(dueMs, tz, config.schedule.ingest.dropDaysBefore);
}

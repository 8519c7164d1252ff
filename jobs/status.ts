// `adoption status`: what the warehouse holds, how fresh it is, and how the last runs went.
import type { JobContext, JobRequest } from '../src/context.js';
import { dateRange, formatRanges, toRanges } from '../src/dates.js';
import { textTable } from '../src/format.js';
import { wallTime } from '../src/schedule/dueTimes.js';
import { rerunCommand, scheduleTimeZone } from '../src/schedule/scheduledJobs.js';
import { findMissed, lastScheduledDue } from '../src/schedule/missedRuns.js';
import type { Row, Warehouse } from '../src/warehouse/warehouse.js';

export interface Status {
  warehouse: string;
  schemaVersion: number;
  dates: string[];
  gaps: string[];
  staleMetrics: string[];
  freshness: Row[];
  loads: Row[];
  runs: Row[];
  /** the last finished compaction (Warehouse.compact), or null: never compacted */
  lastCompaction: Row | null;
  /** scheduled runs that did not happen (due times in timeZone) */
  missed: MissedLine[];
  /** the zone the times are shown in (stored times are UTC): the schedule's */
  timeZone: string;
}

interface MissedLine {
  job: string;
  due: string;
  asOf: string;
  rerun: string;
}

/**
 * `req.asOf` is the day status is asked on. With `nowMs`, the due times no scheduler ran since each job's last
 * scheduled run are listed too (the scheduler is down now); `runs` is how many runs of each job to show.
 */
export async function status(
  ctx: JobContext,
  req: JobRequest & { runs?: number; nowMs?: number },
): Promise<Status> {
  const { wh } = ctx;
  // Stored times are UTC; they are shown in the schedule's zone, which the operator reads them in.
  const tz = scheduleTimeZone(ctx.config);
  const loaded = await wh.allFile('reports/status_loaded_dates');
  const dates = loaded.map((r) => String(r.snapshot_date));
  const loadedSet = new Set(dates);
  return {
    warehouse: wh.file,
    schemaVersion: await wh.schemaVersion(),
    dates,
    gaps: dates.length ? dateRange(dates[0]!, dates.at(-1)!).filter((d) => !loadedSet.has(d)) : [],
    staleMetrics: loaded.filter((r) => r.metrics_unfinished).map((r) => String(r.snapshot_date)),
    freshness: await wh.allFile('reports/status_freshness'),
    loads: await wh.allFile('reports/status_loads', { tz }),
    runs: await wh.allFile('reports/status_runs', { n: req.runs ?? 5, tz }),
    lastCompaction: (await wh.allFile('reports/status_last_compaction', { tz }))[0] ?? null,
    missed: await missedRuns(ctx, wh, tz, req.nowMs),
    timeZone: tz,
  };
}

/**
 * Runs no scheduler made: due times since each job's last scheduled run (when `nowMs` is given), and the ones a
 * scheduler recorded as missed at start-up in the last 30 days.
 */
async function missedRuns(
  ctx: JobContext,
  wh: Warehouse,
  tz: string,
  nowMs: number | undefined,
): Promise<MissedLine[]> {
  const missed: MissedLine[] = [];
  if (nowMs !== undefined) {
    for (const m of findMissed(ctx.config, await lastScheduledDue(wh), nowMs, 50))
      missed.push({ job: m.job, due: describeLocal(m.dueMs, tz), asOf: m.asOf, rerun: m.rerun });
  }
  for (const r of await wh.allFile('reports/status_missed_runs', { tz })) {
    const asOf = String(r.as_of);
    missed.push({ job: String(r.job), due: String(r.due), asOf, rerun: rerunCommand(String(r.job), asOf) });
  }
  return missed.sort((a, b) => a.due.localeCompare(b.due));
}

/** 'YYYY-MM-DD HH:MM' of an instant in a zone. */
function describeLocal(ms: number, timeZone: string): string {
  const w = wallTime(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.y}-${two(w.mo)}-${two(w.d)} ${two(w.h)}:${two(w.mi)}`;
}

export function formatStatus(s: Status): string {
  return [
    ...datesSection(s),
    ...freshnessSection(s),
    ...loadsSection(s),
    ...missedSection(s),
    ...runsSection(s),
  ].join('\n');
}

function datesSection(s: Status): string[] {
  const out = [`warehouse ${s.warehouse} (schema version ${s.schemaVersion})`];
  if (!s.dates.length) {
    out.push('no drop loaded yet: run `adoption ingest --date YYYY-MM-DD` or `adoption backfill`');
    return out;
  }
  out.push(`dates loaded: ${s.dates.length}, ${formatRanges(toRanges(s.dates))}`);
  out.push(`gaps: ${s.gaps.length ? `${s.gaps.length} date(s): ${formatRanges(toRanges(s.gaps))}` : 'none'}`);
  if (s.staleMetrics.length) {
    out.push(
      `metrics not finished for: ${formatRanges(toRanges(s.staleMetrics))} (a run stopped part-way; \`adoption backfill\` over them recomputes them)`,
    );
  }
  const c = s.lastCompaction;
  out.push(
    c
      ? `last compacted: ${String(c.started)} (${s.timeZone}), by ${c.trigger === 'schedule' ? 'the scheduler' : '`adoption compact`'}, in ${Number(c.seconds)} s`
      : 'never compacted: the scheduler compacts after the weekly digests; or run `adoption compact`',
  );
  return out;
}

function freshnessSection(s: Status): string[] {
  return [
    '',
    'freshness (the newest date each source is as of):',
    textTable(
      ['source', 'as of', 'from the drop of'],
      s.freshness.map((r) => [String(r.source), String(r.newest_as_of ?? '—'), String(r.in_drop ?? '—')]),
    ),
  ];
}

function loadsSection(s: Status): string[] {
  if (!s.loads.length) return [];
  const headings = ['date', 'outcome', 'files', 'rows', 'set aside', 'errors', 'warnings'];
  return [
    '',
    'latest loads:',
    textTable(
      [...headings, `loaded at (${s.timeZone})`],
      s.loads.map((r) => [
        String(r.snapshot_date),
        String(r.outcome),
        Number(r.files),
        Number(r.rows_loaded),
        Number(r.rows_rejected),
        Number(r.errors),
        Number(r.warnings),
        String(r.loaded_at),
      ]),
    ),
  ];
}

function missedSection(s: Status): string[] {
  if (!s.missed.length) return [];
  return [
    '',
    `missed scheduled runs (${s.missed.length}; not replayed: run them, or backfill the dates):`,
    textTable(
      ['job', `due (${s.timeZone})`, 'as of', 'to run it'],
      s.missed.map((m) => [m.job, m.due, m.asOf, m.rerun]),
    ),
  ];
}

function runsSection(s: Status): string[] {
  if (!s.runs.length) return [];
  const zone = `(${s.timeZone})`;
  return [
    '',
    'latest runs of each job:',
    textTable(
      ['job', 'trigger', `due ${zone}`, `started ${zone}`, 'seconds', 'state', 'dates', 'error'],
      s.runs.map((r) => [
        String(r.job),
        String(r.trigger),
        String(r.due ?? '—'),
        String(r.started),
        r.seconds === null ? '—' : Number(r.seconds),
        String(r.state),
        String(r.dates ?? ''),
        String(r.error ?? '').slice(0, 80),
      ]),
    ),
  ];
}

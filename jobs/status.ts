// `adoption status`: what the warehouse holds, how fresh it is, and how the last runs went.
import type { JobContext } from '../src/context.js';
import { dateRange, formatRanges, toRanges } from '../src/dates.js';
import { textTable } from '../src/format.js';
import type { Row } from '../src/warehouse/warehouse.js';
import { findMissed, lastScheduledDue } from './schedule.js';
import { scheduleTimeZone } from './run.js';
import { wallTime } from '../src/schedule/dueTimes.js';

export interface Status {
  warehouse: string;
  schemaVersion: number;
  dates: string[];
  gaps: string[];
  staleMetrics: string[];
  freshness: Row[];
  loads: Row[];
  runs: Row[];
  /** scheduled runs that did not happen (due times in timeZone) */
  missed: { job: string; due: string; asOf: string; rerun: string }[];
  /** the zone the times are shown in (stored times are UTC): the schedule's */
  timeZone: string;
}

export async function status(ctx: JobContext, opts: { runs?: number; nowMs?: number } = {}): Promise<Status> {
  const { wh } = ctx;
  // Stored times are UTC; they are shown in the schedule's zone, which the operator reads them in.
  const tz = scheduleTimeZone(ctx.config);
  const dates = (await wh.all('SELECT snapshot_date FROM loads ORDER BY 1')).map((r) =>
    String(r.snapshot_date),
  );
  const loaded = new Set(dates);
  const gaps = dates.length ? dateRange(dates[0]!, dates.at(-1)!).filter((d) => !loaded.has(d)) : [];
  const staleMetrics = (
    await wh.all('SELECT snapshot_date FROM loads WHERE metrics_at IS NULL ORDER BY 1')
  ).map((r) => String(r.snapshot_date));
  const freshness = await wh.all(
    `SELECT 'Graph user reports' AS source, max(report_refresh_date) AS newest_as_of, max(snapshot_date) AS in_drop FROM stg_user_activity
     UNION ALL SELECT 'Partner Center deployment', max(processed_date), max(snapshot_date) FROM stg_pc_deployment
     UNION ALL SELECT 'Partner Center usage', max(processed_date), max(snapshot_date) FROM stg_pc_usage
     UNION ALL SELECT 'Subscriptions', NULL, max(snapshot_date) FROM stg_subscriptions
     UNION ALL SELECT 'Tickets', max(opened_at)::DATE, max(snapshot_date) FROM stg_tickets`,
  );
  const loads = await wh.all(
    `SELECT snapshot_date, outcome, files, rows_loaded, rows_rejected, errors, warnings, strftime(timezone($tz, loaded_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M') AS loaded_at
     FROM loads ORDER BY snapshot_date DESC LIMIT 7`,
    { tz },
  );
  // The latest runs of each job, so that a busy job does not hide another's.
  const runs = await wh.all(
    `SELECT job, trigger, strftime(timezone($tz, due_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M') AS due,
       strftime(timezone($tz, started_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M:%S') AS started,
       round(epoch(finished_at - started_at), 1) AS seconds, state,
       coalesce(json_extract_string(params, '$.date'), json_extract_string(params, '$.week'),
         json_extract_string(params, '$.from') || ' … ' || json_extract_string(params, '$.to')) AS dates,
       error
     FROM runs
     QUALIFY row_number() OVER (PARTITION BY job ORDER BY started_at DESC) <= $n
     ORDER BY job, started_at DESC`,
    { n: opts.runs ?? 5, tz },
  );
  // Runs no scheduler made: due times since each job's last scheduled run (the scheduler is down now), and the
  // ones a scheduler recorded as missed at start-up in the last 30 days.
  const missed: Status['missed'] = [];
  if (opts.nowMs !== undefined) {
    const last = await lastScheduledDue((sql) => wh.all(sql));
    for (const m of await findMissed(ctx.config, last, opts.nowMs, 50))
      missed.push({
        job: m.job,
        due: describeLocal(m.dueMs, tz),
        asOf: m.asOf,
        rerun: m.rerun,
      });
  }
  for (const r of await wh.all(
    `SELECT job, strftime(timezone($tz, due_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M') AS due, coalesce(json_extract_string(params, '$.date'), json_extract_string(params, '$.week')) AS as_of
     FROM runs WHERE state = 'skipped' AND error LIKE 'missed%' AND due_at >= now()::TIMESTAMP - INTERVAL 30 DAY ORDER BY due_at`,
    { tz },
  )) {
    missed.push({
      job: String(r.job),
      due: String(r.due),
      asOf: String(r.as_of),
      rerun: `adoption run ${String(r.job)} --date ${String(r.as_of)}`,
    });
  }
  missed.sort((a, b) => a.due.localeCompare(b.due));
  return {
    warehouse: wh.file,
    schemaVersion: await wh.schemaVersion(),
    dates,
    gaps,
    staleMetrics,
    freshness,
    loads,
    runs,
    missed,
    timeZone: tz,
  };
}

/** 'YYYY-MM-DD HH:MM' of an instant in a zone. */
function describeLocal(ms: number, timeZone: string): string {
  const w = wallTime(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.y}-${two(w.mo)}-${two(w.d)} ${two(w.h)}:${two(w.mi)}`;
}

export function formatStatus(s: Status): string {
  const out = [`warehouse ${s.warehouse} (schema version ${s.schemaVersion})`];
  if (!s.dates.length) {
    out.push('no drop loaded yet: run `adoption ingest --date YYYY-MM-DD` or `adoption backfill`');
  } else {
    out.push(`dates loaded: ${s.dates.length}, ${formatRanges(toRanges(s.dates))}`);
    out.push(
      `gaps: ${s.gaps.length ? `${s.gaps.length} date(s): ${formatRanges(toRanges(s.gaps))}` : 'none'}`,
    );
    if (s.staleMetrics.length) {
      out.push(
        `metrics not finished for: ${formatRanges(toRanges(s.staleMetrics))} (a run stopped part-way; \`adoption backfill\` over them recomputes them)`,
      );
    }
  }
  out.push('', 'freshness (the newest date each source is as of):');
  out.push(
    textTable(
      ['source', 'as of', 'from the drop of'],
      s.freshness.map((r) => [String(r.source), String(r.newest_as_of ?? '—'), String(r.in_drop ?? '—')]),
    ),
  );
  if (s.loads.length) {
    out.push('', 'latest loads:');
    out.push(
      textTable(
        ['date', 'outcome', 'files', 'rows', 'set aside', 'errors', 'warnings', `loaded at (${s.timeZone})`],
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
    );
  }
  if (s.missed.length) {
    out.push(
      '',
      `missed scheduled runs (${s.missed.length}; not replayed: run them, or backfill the dates):`,
    );
    out.push(
      textTable(
        ['job', `due (${s.timeZone})`, 'as of', 'to run it'],
        s.missed.map((m) => [m.job, m.due, m.asOf, m.rerun]),
      ),
    );
  }
  if (s.runs.length) {
    out.push('', 'latest runs of each job:');
    out.push(
      textTable(
        [
          'job',
          'trigger',
          `due (${s.timeZone})`,
          `started (${s.timeZone})`,
          'seconds',
          'state',
          'dates',
          'error',
        ],
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
    );
  }
  return out.join('\n');
}

// `adoption status`: what the warehouse holds, how fresh it is, and how the last runs went.
import type { JobContext } from '../src/context.js';
import { dateRange, formatRanges, toRanges } from '../src/dates.js';
import { textTable } from '../src/format.js';
import type { Row } from '../src/warehouse/warehouse.js';

export interface Status {
  warehouse: string;
  schemaVersion: number;
  dates: string[];
  gaps: string[];
  staleMetrics: string[];
  freshness: Row[];
  loads: Row[];
  runs: Row[];
}

export async function status(ctx: JobContext, opts: { runs?: number } = {}): Promise<Status> {
  const { wh } = ctx;
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
    `SELECT snapshot_date, outcome, files, rows_loaded, rows_rejected, errors, warnings, strftime(loaded_at, '%Y-%m-%d %H:%M') AS loaded_at
     FROM loads ORDER BY snapshot_date DESC LIMIT 7`,
  );
  const runs = await wh.all(
    `SELECT job, trigger, strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started, round(epoch(finished_at - started_at), 1) AS seconds, state,
       coalesce(json_extract_string(params, '$.date'), json_extract_string(params, '$.from') || ' … ' || json_extract_string(params, '$.to')) AS dates,
       error
     FROM runs ORDER BY runs.started_at DESC LIMIT $n`,
    { n: opts.runs ?? 10 },
  );
  return {
    warehouse: wh.file,
    schemaVersion: await wh.schemaVersion(),
    dates,
    gaps,
    staleMetrics,
    freshness,
    loads,
    runs,
  };
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
        ['date', 'outcome', 'files', 'rows', 'set aside', 'errors', 'warnings', 'loaded at'],
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
  if (s.runs.length) {
    out.push('', 'latest runs:');
    out.push(
      textTable(
        ['job', 'trigger', 'started (UTC)', 'seconds', 'state', 'dates', 'error'],
        s.runs.map((r) => [
          String(r.job),
          String(r.trigger),
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

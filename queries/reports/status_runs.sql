-- status: the latest $n runs of each job (so that a busy job does not hide another's), by job then newest first;
-- times shown in the zone $tz (stored in UTC), dates the run's as-of date, week or range. One row per run.
-- From: runs. Parameters: $n (runs per job), $tz (an IANA time zone).
SELECT job, trigger, strftime(timezone($tz, due_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M') AS due,
  strftime(timezone($tz, started_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M:%S') AS started,
  round(epoch(finished_at - started_at), 1) AS seconds, state,
  coalesce(json_extract_string(params, '$.date'), json_extract_string(params, '$.week'),
    json_extract_string(params, '$.from') || ' … ' || json_extract_string(params, '$.to')) AS dates,
  error
FROM runs
QUALIFY row_number() OVER (PARTITION BY job ORDER BY started_at DESC) <= $n
ORDER BY job, started_at DESC

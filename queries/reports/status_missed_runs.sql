-- status: the scheduled runs a scheduler recorded as missed at its start-up in the last 30 days, oldest first; due
-- shown in the zone $tz (stored in UTC). One row per missed run. From: runs. Parameters: $tz (an IANA time zone).
SELECT job, strftime(timezone($tz, due_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M') AS due,
  coalesce(json_extract_string(params, '$.date'), json_extract_string(params, '$.week')) AS as_of
FROM runs
WHERE state = 'skipped' AND error LIKE 'missed%' AND due_at >= now()::TIMESTAMP - INTERVAL 30 DAY
ORDER BY due_at

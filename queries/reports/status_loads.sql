-- status: the latest seven loads, newest first, with their counts; loaded_at shown in the zone $tz (stored in UTC).
-- One row per loaded date. From: loads. Parameters: $tz (an IANA time zone).
SELECT snapshot_date, outcome, files, rows_loaded, rows_rejected, errors, warnings,
  strftime(timezone($tz, loaded_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M') AS loaded_at
FROM loads
ORDER BY snapshot_date DESC
LIMIT 7

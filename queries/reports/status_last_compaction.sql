-- status: the warehouse's last compaction (Warehouse.compact) that finished, its start shown in the zone $tz (stored
-- in UTC); no row when it was never compacted. From: compactions. Parameters: $tz (an IANA time zone).
SELECT strftime(timezone($tz, started_at::TIMESTAMPTZ), '%Y-%m-%d %H:%M') AS started, trigger, round(seconds, 1) AS seconds
FROM compactions
WHERE seconds IS NOT NULL
ORDER BY started_at DESC
LIMIT 1

-- status: every date a drop was loaded for, and whether its metrics were finished (a run stopped part-way leaves
-- metrics_at NULL). One row per loaded date, oldest first. From: loads. No parameters.
SELECT snapshot_date, metrics_at IS NULL AS metrics_unfinished
FROM loads
ORDER BY snapshot_date

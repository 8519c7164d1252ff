-- load_files: one row per snapshot date × file of the drop (path): its source, size, hash, rows loaded and set aside,
-- and whether it loaded, was set aside or ignored. Appended by src/ingest/loadLedger.ts.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM load_files WHERE snapshot_date = $date::DATE;

-- load_issues: one row per snapshot date × issue a load set aside (error) or noticed (warning, info), with its file,
-- line, column and customer where there is one. Appended by src/ingest/loadLedger.ts.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM load_issues WHERE snapshot_date = $date::DATE;

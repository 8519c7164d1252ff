-- loads: one row per snapshot date loaded (the latest load of it): the run, the drop folder, the outcome and the
-- counts of files, rows and issues. Written by src/ingest/loadLedger.ts at the end of each load.
-- Parameters: $date (the snapshot date), $run, $dir, $outcome, $files, $loaded, $rejected, $errors, $warnings.

-- name: clear
DELETE FROM loads WHERE snapshot_date = $date::DATE;

-- name: insert
INSERT INTO loads (snapshot_date, run_id, loaded_at, drop_path, outcome, files, rows_loaded, rows_rejected, errors, warnings)
VALUES ($date::DATE, $run, now()::TIMESTAMP, $dir, $outcome, $files, $loaded, $rejected, $errors, $warnings);

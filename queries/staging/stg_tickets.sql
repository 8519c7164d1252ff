-- stg_tickets: one row per snapshot date × ticket (ticket_id; a ticket listed twice keeps its latest opening), from
-- the help desk's tickets.csv (DESIGN.md §2) as csvRead.ts read it into tmp_tickets. opened_at is read as text and
-- parsed in src/ingest/ticketTimes.ts; the rows are appended.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_tickets WHERE snapshot_date = $date::DATE;

-- name: rows
-- In file order (rowid), so that each row can be named by the line its record starts on.
SELECT trim(ticket_id) AS ticket_id, customer_id::VARCHAR AS customer_id, opened_at, trim(category) AS category,
  nullif(trim(product), '') AS product
FROM tmp_tickets ORDER BY rowid;

-- name: drop_temp
DROP TABLE IF EXISTS tmp_tickets;

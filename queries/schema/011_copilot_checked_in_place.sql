-- Migration 011: Copilot usage reports are read straight into stg_copilot_activity and checked there, as the
-- Office 365 user reports are (migration 003), rather than through an in-memory copy of every row: a night of
-- 5 million users' Copilot rows held as a TEMP table outgrew the warehouse's memory limit (docs/sizing.md).
-- Produces: stg_copilot_activity with user_key and report_refresh_date nullable; the load deletes the rows lacking
-- either before its transaction ends, so no stored row lacks them.
ALTER TABLE stg_copilot_activity ALTER COLUMN user_key DROP NOT NULL;
ALTER TABLE stg_copilot_activity ALTER COLUMN report_refresh_date DROP NOT NULL;

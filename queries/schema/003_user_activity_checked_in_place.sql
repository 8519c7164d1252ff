-- Migration 003: the Graph user report is read straight into stg_user_activity and checked there (one write of
-- half a million rows instead of two); rows missing a required value are deleted right after the checks, in the
-- same transaction, so these columns no longer refuse NULL on the way in.
ALTER TABLE stg_user_activity ALTER COLUMN user_key DROP NOT NULL;
ALTER TABLE stg_user_activity ALTER COLUMN is_deleted DROP NOT NULL;
ALTER TABLE stg_user_activity ALTER COLUMN report_refresh_date DROP NOT NULL;

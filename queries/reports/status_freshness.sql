-- status: how fresh each source is: the newest date its rows are as of, and the newest drop they came in. One row per
-- source, in a fixed order. From: stg_user_activity, stg_pc_deployment, stg_pc_usage, stg_subscriptions, stg_tickets.
-- No parameters.
SELECT 'Graph user reports' AS source, max(report_refresh_date) AS newest_as_of, max(snapshot_date) AS in_drop FROM stg_user_activity
UNION ALL SELECT 'Partner Center deployment', max(processed_date), max(snapshot_date) FROM stg_pc_deployment
UNION ALL SELECT 'Partner Center usage', max(processed_date), max(snapshot_date) FROM stg_pc_usage
UNION ALL SELECT 'Subscriptions', NULL, max(snapshot_date) FROM stg_subscriptions
UNION ALL SELECT 'Tickets', max(opened_at)::DATE, max(snapshot_date) FROM stg_tickets

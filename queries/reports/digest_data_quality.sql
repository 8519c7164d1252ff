-- digest data quality: the Data quality sheet of one account manager's workbook in a digest run, read from the run's
-- digest_week_issues (queries/reports/digest_week_issues.sql): the same rows, columns and order as
-- queries/reports/data_quality_grouped.sql for that manager.
-- From: digest_week_issues. Parameters: $owner.
SELECT
  i.severity, i.code, i.about AS customer_id, i.customer_name, i.file, i.column_name,
  count(*)::INTEGER AS occurrences,
  count(DISTINCT i.snapshot_date)::INTEGER AS nights,
  min(i.snapshot_date) AS first_seen,
  max(i.snapshot_date) AS last_seen,
  string_agg(DISTINCT strftime(i.snapshot_date, '%Y-%m-%d'), ', ' ORDER BY strftime(i.snapshot_date, '%Y-%m-%d')) AS dates,
  min(i.line) AS first_line,
  arg_max(i.message, i.snapshot_date) AS message
FROM digest_week_issues i
WHERE i.about IS NULL OR owned_by(i.owner_email, $owner)
GROUP BY i.severity, i.code, i.about, i.customer_name, i.file, i.column_name
ORDER BY CASE i.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, max(i.snapshot_date) DESC,
  count(*) DESC, i.code, i.file, i.column_name, i.about

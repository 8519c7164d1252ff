-- report data quality: what the loads of the week set aside or noticed, one line each. Issues about one customer
-- are shown only in that customer's scope; issues about no customer in particular are shown to everyone.
-- From: load_issues, adoption_customer_weekly (through issues_in_scope, queries/macros/issues_in_scope.sql).
-- Parameters: $week, $owner and $customer (NULL = all).
SELECT i.snapshot_date, i.severity, i.code, i.file, i.line, i.column_name, i.message, i.about AS customer_id
FROM issues_in_scope($week::DATE, $owner, $customer) i
ORDER BY i.snapshot_date DESC, CASE i.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, i.file, i.line

-- digest week issues: the week's load issues that some account manager's Data quality sheet shows (issues_in_scope,
-- queries/macros/issues_in_scope.sql, for the whole portfolio), each with the account manager of the customer it is
-- about ('' = none; NULL for an issue about no customer in particular, which everyone is shown) and that customer's
-- name, set aside once per digest run in a TEMP table stored in account-manager order. Each manager's workbook then
-- reads its own rows (queries/reports/digest_data_quality.sql) instead of extracting the tenant of every issue of
-- the week and reading every customer's names of every week again: at 20,000 customers and 400 managers that was
-- the part of the digest run that grew with the square of the portfolio. Gone when the connection closes.
-- From: issues_in_scope, adoption_customer_weekly. Parameters: $week.
CREATE OR REPLACE TEMP TABLE digest_week_issues AS
WITH
issues AS (SELECT * FROM issues_in_scope($week::DATE, NULL, NULL)),
owners AS (
  SELECT customer_id, min(coalesce(owner_email, '')) AS owner_email
  FROM adoption_customer_weekly
  WHERE week_ending = $week::DATE
  GROUP BY customer_id
),
-- The customer's name as of the latest week that names them, as queries/reports/data_quality_grouped.sql has it.
names AS (
  SELECT customer_id, arg_max(customer_name, week_ending) AS customer_name
  FROM adoption_customer_weekly
  WHERE week_ending <= $week::DATE AND customer_id IN (SELECT about FROM issues)
  GROUP BY customer_id
)
SELECT i.severity, i.code, i.about, n.customer_name, i.file, i.column_name, i.snapshot_date, i.line, i.message,
  CASE WHEN i.about IS NOT NULL THEN o.owner_email END AS owner_email
FROM issues i
LEFT JOIN owners o ON o.customer_id = i.about
LEFT JOIN names n ON n.customer_id = i.about
ORDER BY owner_email NULLS FIRST, i.about

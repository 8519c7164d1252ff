-- report data quality, grouped: the week's load issues with a repeated issue folded into one line (how many times,
-- on which nights, the latest night's words), naming the customer it is about. Issues about one customer are
-- shown only in that customer's scope; issues about no customer in particular are shown to everyone.
-- From: load_issues, adoption_customer_weekly (through issues_in_scope, queries/macros/issues_in_scope.sql).
-- Parameters: $week, $owner and $customer (NULL = all). A digest run reads the same rows for each account manager
-- from the issues it set aside once (queries/reports/digest_data_quality.sql).
WITH
issues AS (SELECT * FROM issues_in_scope($week::DATE, $owner, $customer)),
-- The customer's name as of the latest week that names them; only the customers the issues are about (a digest run
-- reads this for every account manager, and every customer's names of every week is most of its cost at 20,000).
names AS (
  SELECT customer_id, arg_max(customer_name, week_ending) AS customer_name
  FROM adoption_customer_weekly
  WHERE week_ending <= $week::DATE AND customer_id IN (SELECT about FROM issues)
  GROUP BY customer_id
)
SELECT
  i.severity, i.code, i.about AS customer_id, n.customer_name, i.file, i.column_name,
  count(*)::INTEGER AS occurrences,
  count(DISTINCT i.snapshot_date)::INTEGER AS nights,
  min(i.snapshot_date) AS first_seen,
  max(i.snapshot_date) AS last_seen,
  string_agg(DISTINCT strftime(i.snapshot_date, '%Y-%m-%d'), ', ' ORDER BY strftime(i.snapshot_date, '%Y-%m-%d')) AS dates,
  min(i.line) AS first_line,
  arg_max(i.message, i.snapshot_date) AS message
FROM issues i
LEFT JOIN names n ON n.customer_id = i.about
GROUP BY i.severity, i.code, i.about, n.customer_name, i.file, i.column_name
ORDER BY CASE i.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, max(i.snapshot_date) DESC,
  count(*) DESC, i.code, i.file, i.column_name, i.about

-- issues_in_scope(week, owner, customer): the load issues of the week ending `week` that a report in that scope
-- shows, each with `about`, the customer it is about. An issue about one customer is shown only in that customer's
-- scope (in_scope, queries/macros/scope.sql); an issue about no customer in particular is shown to everyone.
-- Grain: load issue. From: load_issues, adoption_customer_weekly.
CREATE OR REPLACE TEMP MACRO issues_in_scope(week, owner, customer) AS TABLE
WITH
scope AS (
  SELECT DISTINCT customer_id FROM adoption_customer_weekly
  WHERE week_ending = week AND in_scope(owner_email, customer_id, owner, customer)
),
-- An issue about a file under tenants/<id>/ belongs to that tenant even when the load did not say so.
issues AS (
  SELECT *, coalesce(customer_id, nullif(lower(regexp_extract(file, '^tenants/([^/]+)/', 1)), '')) AS about
  FROM load_issues
  WHERE snapshot_date BETWEEN week - 6 AND week
)
SELECT * FROM issues
WHERE about IS NULL OR about IN (SELECT customer_id FROM scope);

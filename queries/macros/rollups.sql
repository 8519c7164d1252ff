-- Roll-ups: a level's figures summed from the level below, written once for every table of that level (DESIGN.md
-- §1.5: counts are sums of the level below, ratios are recomputed from the sums, never averaged).

-- owner_sums(customer_rows, period): an account manager's book from customer rows (a table or CTE with the
-- figures of adoption_customer_daily: that table's rows, or adoption_customer_weekly's), per account manager (''
-- holds the customers without one) and per the date column named in `period` (['snapshot_date'] or
-- ['week_ending']); last_snapshot_date is the latest snapshot summed. Grain: period × account manager.
CREATE OR REPLACE TEMP MACRO owner_sums(customer_rows, period) AS TABLE
SELECT
  COLUMNS(period),
  coalesce(owner_email, '') AS owner_email,
  max(snapshot_date) AS last_snapshot_date,
  max(as_of_date) AS as_of_date,
  min(as_of_date) AS oldest_as_of_date,
  count(*)::INTEGER AS customers,
  sum(licenses_sold) AS licenses_sold,
  sum(licenses_assigned) AS licenses_assigned,
  sum(licenses_assigned) / nullif(sum(licenses_sold), 0) AS deployment_pct,
  sum(entitlements) AS entitlements,
  sum(usage_entitlements) AS usage_entitlements,
  sum(active_entitlements) AS active_entitlements,
  sum(active_entitlements) / nullif(sum(usage_entitlements), 0) AS usage_pct,
  sum(adjusted_entitlements) AS adjusted_entitlements,
  sum(active_adjusted) AS active_adjusted,
  sum(active_adjusted) / nullif(sum(adjusted_entitlements), 0) AS usage_pct_adjusted,
  sum(unassigned) AS unassigned,
  sum(inactive) AS inactive
FROM query_table(customer_rows)
GROUP BY ALL;

-- spend_sums(spend_rows, keys): spend on unused seats summed from the level below (rows with the figures of
-- licence_spend_customer_daily, `customers` included) per the columns named in `keys`, currency always among them:
-- amounts are never summed across currencies. Grain: keys.
CREATE OR REPLACE TEMP MACRO spend_sums(spend_rows, keys) AS TABLE
SELECT
  COLUMNS(keys),
  sum(customers) AS customers,
  sum(unassigned) AS unassigned,
  sum(inactive) AS inactive,
  round(sum(unassigned_monthly_cost), 6) AS unassigned_monthly_cost,
  round(sum(inactive_monthly_cost), 6) AS inactive_monthly_cost,
  sum(reducible_at_renewal) AS reducible_at_renewal,
  sum(reducible_now) AS reducible_now
FROM query_table(spend_rows)
GROUP BY ALL;

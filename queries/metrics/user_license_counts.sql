-- user_license_counts_of(d_from, d_to, window_days): a table macro giving one row per snapshot date × customer × SKU
-- held in a Graph user report: how many hold it, how many of them are active (all, deleted, live, Yammer only),
-- inactive, and active per workload and per Copilot app (copilot_app_holders, a map app → holders: holders of a
-- Copilot product, in the 28 days of the Copilot report's own as-of date). The caller stores it in the TEMP table
-- user_license_counts (adoption_daily and adoption_workload_daily read it) a span of snapshot dates at a time:
-- at 10× a night holds 5 million users, and eleven nights' per-user rows in one statement ran past 768 MB.
-- From: user_license_activity (the per-user rows of the kept snapshots, just stored by this pass) and
--       user_license_rows (the macro, for the other snapshots), so that each snapshot's rows are computed once.
-- Arguments: d_from, d_to (snapshot dates, both included), window_days (28).
CREATE OR REPLACE TEMP MACRO user_license_counts_of(d_from, d_to, window_days) AS TABLE
SELECT snapshot_date, customer_id, sku_id,
  count(*) FILTER (WHERE NOT is_deleted) AS licenses_assigned,
  count(*) FILTER (WHERE active) AS active_all,
  count(*) FILTER (WHERE active AND is_deleted) AS active_deleted,
  count(*) FILTER (WHERE active AND NOT is_deleted) AS active_live,
  count(*) FILTER (WHERE active_yammer AND NOT (active_exchange OR active_sharepoint OR active_skype OR active_teams
    OR coalesce(active_copilot, false))) AS active_yammer_only,
  count(*) FILTER (WHERE NOT is_deleted AND NOT active) AS inactive,
  count(*) FILTER (WHERE active_exchange) AS exchange,
  count(*) FILTER (WHERE active_sharepoint) AS sharepoint,
  count(*) FILTER (WHERE active_skype) AS skype,
  count(*) FILTER (WHERE active_teams) AS teams,
  count(*) FILTER (WHERE active_yammer) AS yammer,
  count(*) FILTER (WHERE active_copilot) AS copilot,
  -- Holders active on each Copilot app, as app → holders (an app no holder used is absent); holders' lists hold
  -- each app once, so this counts the holders whose list has the app.
  list_aggregate(flatten(list(copilot_apps) FILTER (WHERE copilot_apps IS NOT NULL)), 'histogram') AS copilot_app_holders
FROM (
  SELECT snapshot_date, customer_id, sku_id, is_deleted, active, active_exchange, active_sharepoint, active_skype,
    active_teams, active_yammer, active_copilot, copilot_apps
  FROM user_license_activity
  WHERE snapshot_date BETWEEN d_from AND d_to
  UNION ALL
  SELECT snapshot_date, customer_id, sku_id, is_deleted, active, active_exchange, active_sharepoint, active_skype,
    active_teams, active_yammer, active_copilot, copilot_apps
  FROM user_license_rows(d_from, d_to, window_days, false)
)
GROUP BY ALL

-- user_license_counts: one row per snapshot date × customer × SKU held in a Graph user report: how many hold it,
-- how many of them are active (all, deleted, live, Yammer only), inactive, and active per workload and per Copilot
-- app (holders of a Copilot product, in the 28 days of the Copilot report's own as-of date). A TEMP table that
-- adoption_daily and adoption_workload_daily read.
-- From: user_license_activity (the per-user rows of the kept snapshots, just stored by this pass) and
--       user_license_rows (the macro, for the other snapshots), so that each snapshot's rows are computed once.
-- Parameters: $from, $to (snapshot dates, both included), $window_days.
CREATE OR REPLACE TEMP TABLE user_license_counts AS
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
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_chat')) AS copilot_chat,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_teams')) AS copilot_teams,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_word')) AS copilot_word,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_excel')) AS copilot_excel,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_powerpoint')) AS copilot_powerpoint,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_outlook')) AS copilot_outlook,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_onenote')) AS copilot_onenote,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_loop')) AS copilot_loop,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_chat_work')) AS copilot_chat_work,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_chat_web')) AS copilot_chat_web,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_m365_app')) AS copilot_m365_app,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_edge')) AS copilot_edge,
  count(*) FILTER (WHERE list_contains(copilot_apps, 'copilot_agent')) AS copilot_agent
FROM (
  SELECT snapshot_date, customer_id, sku_id, is_deleted, active, active_exchange, active_sharepoint, active_skype,
    active_teams, active_yammer, active_copilot, copilot_apps
  FROM user_license_activity
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
  UNION ALL
  SELECT snapshot_date, customer_id, sku_id, is_deleted, active, active_exchange, active_sharepoint, active_skype,
    active_teams, active_yammer, active_copilot, copilot_apps
  FROM user_license_rows($from::DATE, $to::DATE, $window_days, false)
)
GROUP BY ALL

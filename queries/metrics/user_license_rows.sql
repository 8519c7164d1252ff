-- user_license_rows(d_from, d_to, window_days, kept): a table macro giving one row per snapshot date × customer ×
-- user × SKU held, with the 28-day window flags, for the snapshot dates d_from … d_to: with kept = true only for the
-- snapshots listed in user_license_keep (each customer's last of each week), with kept = false only for the others.
-- Computed, not stored: each snapshot's per-user rows are computed once per pass. The kept ones are stored
-- (user_license_activity, all the reports list); the daily counts (user_license_counts) read those stored rows
-- back and compute the others here. last_activity_date is computed for the kept snapshots only (NULL for the
-- others): the counts do not read it, and computing it for every row took a sixth of the counts' time.
-- From: stg_user_activity (Graph user detail), stg_copilot_activity and stg_copilot_reports (Graph's Microsoft 365
--       Copilot usage report, with its own as-of date: Copilot data lags up to 72 hours), user_license_skus (the
--       TEMP table of each tenant's 'Assigned Products' strings matched to SKUs), catalog_products,
--       user_license_keep (the TEMP table of kept snapshots).
-- Arguments: d_from, d_to (snapshot dates, both included), window_days (28: the active window, both ends included),
--       kept (which of the two sets of snapshots).
CREATE OR REPLACE TEMP MACRO user_license_rows(d_from, d_to, window_days, kept) AS TABLE
WITH
tenants AS (
  -- The tenant's as-of date: the newest Report Refresh Date of its user report; only the snapshots asked for. The
  -- Copilot report's own as-of date beside it (NULL: no Copilot report loaded for the tenant that night). Each
  -- window's first day (window_from, copilot_from) is computed here once per tenant rather than once per user.
  SELECT r.snapshot_date, r.customer_id, r.as_of_date, r.as_of_date - (window_days - 1) AS window_from,
    cr.copilot_as_of, cr.copilot_as_of - (window_days - 1) AS copilot_from
  FROM (
    SELECT snapshot_date, customer_id, max(report_refresh_date) AS as_of_date
    FROM stg_user_activity
    WHERE snapshot_date BETWEEN d_from AND d_to
    GROUP BY ALL
  ) r
  LEFT JOIN user_license_keep k ON k.snapshot_date = r.snapshot_date AND k.customer_id = r.customer_id
  LEFT JOIN (
    SELECT snapshot_date, customer_id, max(report_refresh_date) AS copilot_as_of FROM stg_copilot_reports
    WHERE snapshot_date BETWEEN d_from AND d_to GROUP BY ALL
  ) cr ON cr.snapshot_date = r.snapshot_date AND cr.customer_id = r.customer_id
  WHERE (k.customer_id IS NOT NULL) = kept
),
copilot AS (
  -- Each Copilot user's apps active in the 28 days ending at the Copilot report's own as-of date, and any activity.
  SELECT a.snapshot_date, a.customer_id, a.user_key,
    -- Each app beside its date column, in the order the apps are stored; the window test is written once.
    list_transform(list_filter([
        ('copilot_chat', a.chat_last), ('copilot_teams', a.teams_last), ('copilot_word', a.word_last),
        ('copilot_excel', a.excel_last), ('copilot_powerpoint', a.powerpoint_last), ('copilot_outlook', a.outlook_last),
        ('copilot_onenote', a.onenote_last), ('copilot_loop', a.loop_last), ('copilot_chat_work', a.chat_work_last),
        ('copilot_chat_web', a.chat_web_last), ('copilot_m365_app', a.m365_app_last), ('copilot_edge', a.edge_last),
        ('copilot_agent', a.agent_last)
      ], app -> app[2] BETWEEN t.copilot_from AND t.copilot_as_of), app -> app[1]) AS apps,
    coalesce(a.last_activity BETWEEN t.copilot_from AND t.copilot_as_of, false) AS any_app,
    CASE WHEN kept THEN greatest(a.last_activity, a.chat_last, a.teams_last, a.word_last, a.excel_last,
      a.powerpoint_last, a.outlook_last, a.onenote_last, a.loop_last, a.chat_work_last, a.chat_web_last,
      a.m365_app_last, a.edge_last, a.agent_last) END AS copilot_last
  FROM stg_copilot_activity a
  JOIN tenants t USING (snapshot_date, customer_id)
  WHERE a.snapshot_date BETWEEN d_from AND d_to
),
in_window AS (
  SELECT
    u.snapshot_date, u.customer_id, u.user_key, u.is_deleted, u.assigned_products, t.as_of_date,
    u.exchange_last, u.sharepoint_last, u.onedrive_last, u.skype_last, u.teams_last, u.yammer_last,
    coalesce(u.exchange_last BETWEEN t.window_from AND t.as_of_date, false) AS w_exchange,
    coalesce(u.sharepoint_last BETWEEN t.window_from AND t.as_of_date, false)
      OR coalesce(u.onedrive_last BETWEEN t.window_from AND t.as_of_date, false) AS w_sharepoint,
    coalesce(u.skype_last BETWEEN t.window_from AND t.as_of_date, false) AS w_skype,
    coalesce(u.teams_last BETWEEN t.window_from AND t.as_of_date, false) AS w_teams,
    coalesce(u.yammer_last BETWEEN t.window_from AND t.as_of_date, false) AS w_yammer,
    -- A Copilot holder missing from the Copilot report is inactive on Copilot (when the tenant has a report at all).
    coalesce(c.any_app OR len(c.apps) > 0, false) AS w_copilot,
    c.apps AS copilot_apps_in_window,
    c.copilot_last
  FROM stg_user_activity u
  JOIN tenants t USING (snapshot_date, customer_id)
  LEFT JOIN copilot c ON c.snapshot_date = u.snapshot_date AND c.customer_id = u.customer_id AND c.user_key = u.user_key
  WHERE u.snapshot_date BETWEEN d_from AND d_to
),
flags AS (
  SELECT
    w.snapshot_date, w.customer_id, w.user_key, h.sku_id, w.as_of_date, w.is_deleted,
    p.wl_exchange AND w.w_exchange AS active_exchange,
    p.wl_sharepoint AND w.w_sharepoint AS active_sharepoint,
    p.wl_skype AND w.w_skype AS active_skype,
    p.wl_teams AND w.w_teams AS active_teams,
    p.wl_yammer AND w.w_yammer AS active_yammer,
    p.wl_copilot AND w.w_copilot AS active_copilot,
    CASE WHEN p.wl_copilot THEN coalesce(w.copilot_apps_in_window, []) END AS copilot_apps,
    CASE WHEN kept THEN greatest(
      CASE WHEN p.wl_exchange THEN w.exchange_last END,
      CASE WHEN p.wl_sharepoint THEN greatest(w.sharepoint_last, w.onedrive_last) END,
      CASE WHEN p.wl_skype THEN w.skype_last END,
      CASE WHEN p.wl_teams THEN w.teams_last END,
      CASE WHEN p.wl_yammer THEN w.yammer_last END,
      CASE WHEN p.wl_copilot THEN w.copilot_last END
    ) END AS last_activity_date
  FROM in_window w
  JOIN user_license_skus h USING (snapshot_date, customer_id, assigned_products)
  JOIN catalog_products p ON p.sku_id = h.sku_id AND NOT p.excluded
)
SELECT
  snapshot_date, customer_id, user_key, sku_id, as_of_date, is_deleted,
  active_exchange, active_sharepoint, active_skype, active_teams, active_yammer, active_copilot, copilot_apps,
  active_exchange OR active_sharepoint OR active_skype OR active_teams OR active_yammer OR active_copilot AS active,
  last_activity_date
FROM flags

-- Migration 010: Microsoft 365 Copilot (DESIGN.md §1.6).
-- Produces: the copilot workload on the product catalogue; stg_copilot_activity, Graph's Microsoft 365 Copilot usage
-- report (getMicrosoft365CopilotUsageUserDetail), one row per licensed user of a tenant, v1 and v2 layouts in one
-- shape; stg_copilot_reports, one row per tenant report loaded (its own as-of date, and which app columns its layout
-- has: v2 adds apps that v1 lacks, and an app the report does not have is not an app nobody uses); and on the
-- per-user rows, whether the holder of a Copilot product was active on Copilot and on which apps.

-- (rewritten from config/ at every run, so a default stands for the rows written before this migration)
ALTER TABLE catalog_products ADD COLUMN wl_copilot BOOLEAN DEFAULT false;

CREATE TABLE stg_copilot_activity (
  snapshot_date        DATE NOT NULL,
  customer_id          VARCHAR NOT NULL,
  user_key             VARCHAR NOT NULL,   -- User Principal Name, concealed the same way as in the Office 365 report
  report_refresh_date  DATE NOT NULL,      -- the Copilot report's own as-of date (its data lags up to 72 hours)
  last_activity        DATE,               -- Last Activity Date: any Copilot app
  chat_last            DATE,               -- Copilot Chat
  teams_last           DATE,
  word_last            DATE,
  excel_last           DATE,
  powerpoint_last      DATE,
  outlook_last         DATE,
  onenote_last         DATE,
  loop_last            DATE,
  chat_work_last       DATE,               -- v2: Copilot Chat (work)
  chat_web_last        DATE,               -- v2: Copilot Chat (web)
  m365_app_last        DATE,               -- v2: Microsoft 365 Copilot (app)
  edge_last            DATE,               -- v2
  agent_last           DATE,               -- v2: Copilot agents
  prompts_all          BIGINT,             -- v2: prompts submitted, all apps
  active_days          BIGINT,             -- v2: active usage days, all apps
  report_period        VARCHAR,
  extras               JSON                -- unknown columns, kept aside
);

CREATE TABLE stg_copilot_reports (
  snapshot_date        DATE NOT NULL,
  customer_id          VARCHAR NOT NULL,
  report_refresh_date  DATE,               -- NULL: a header-only report (a tenant with no Copilot licence)
  apps                 VARCHAR[] NOT NULL  -- the Copilot apps (COPILOT_APPS keys) the report's layout has
);

ALTER TABLE user_license_activity ADD COLUMN active_copilot BOOLEAN;
ALTER TABLE user_license_activity ADD COLUMN copilot_apps VARCHAR[];

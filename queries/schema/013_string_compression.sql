-- Migration 013: the string columns the nightly ingest writes, with their compression named.
-- Produces: the same tables, columns, types, NOT NULL and rows; only how DuckDB stores some VARCHAR columns changes.
-- Why: at each write DuckDB compares every codec it has on each string column to pick one (dictionary, FSST, ...),
-- and these columns get the same answer every night: ids, names, codes and product lists repeat across nights
-- (dictionary); Graph's user keys, unique per user, take FSST. Naming the codec skips the comparison. At 1× (2,000
-- customers) a night's ingest took 3.98 s instead of 4.15 s (the per-user rows' insert 0.06 s less, the commit
-- 0.07 s less), for about the same file size (+1.2%; docs/sizing.md). A column whose rows would not suit the codec
-- is still stored, only less compactly; the rows are the same either way. DuckDB's catalogue does not report a column's codec, so
-- queries/schema/current.sql does not show it: this file is where it is set.
-- Cost: the tables are copied once, as in migration 005; on a large warehouse the first command after the upgrade
-- takes a few minutes (about a minute at 88 nights of 2,000 customers), and the file keeps the old copies' space
-- for the nights after to reuse.

CREATE TABLE stg_user_activity_v13 (
  snapshot_date       DATE NOT NULL,
  customer_id         VARCHAR NOT NULL USING COMPRESSION dictionary,
  user_key            VARCHAR USING COMPRESSION fsst,
  is_deleted          BOOLEAN,
  deleted_date        DATE,
  report_refresh_date DATE,
  exchange_last       DATE,
  onedrive_last       DATE,
  sharepoint_last     DATE,
  skype_last          DATE,
  yammer_last         DATE,
  teams_last          DATE,
  assigned_products   VARCHAR NOT NULL USING COMPRESSION dictionary,
  extras              JSON USING COMPRESSION dictionary
);
INSERT INTO stg_user_activity_v13 SELECT * FROM stg_user_activity;
DROP TABLE stg_user_activity;
ALTER TABLE stg_user_activity_v13 RENAME TO stg_user_activity;

CREATE TABLE user_license_activity_v13 (
  snapshot_date      DATE NOT NULL,
  customer_id        VARCHAR NOT NULL USING COMPRESSION dictionary,
  user_key           VARCHAR NOT NULL USING COMPRESSION fsst,
  sku_id             VARCHAR NOT NULL USING COMPRESSION dictionary,
  as_of_date         DATE NOT NULL,
  is_deleted         BOOLEAN NOT NULL,
  active_exchange    BOOLEAN NOT NULL,
  active_sharepoint  BOOLEAN NOT NULL,
  active_skype       BOOLEAN NOT NULL,
  active_teams       BOOLEAN NOT NULL,
  active_yammer      BOOLEAN NOT NULL,
  active             BOOLEAN NOT NULL,
  last_activity_date DATE,
  active_copilot     BOOLEAN,
  copilot_apps       VARCHAR[]
);
INSERT INTO user_license_activity_v13 SELECT * FROM user_license_activity;
DROP TABLE user_license_activity;
ALTER TABLE user_license_activity_v13 RENAME TO user_license_activity;

CREATE TABLE stg_copilot_activity_v13 (
  snapshot_date       DATE NOT NULL,
  customer_id         VARCHAR NOT NULL USING COMPRESSION dictionary,
  user_key            VARCHAR,
  report_refresh_date DATE,
  last_activity       DATE,
  chat_last           DATE,
  teams_last          DATE,
  word_last           DATE,
  excel_last          DATE,
  powerpoint_last     DATE,
  outlook_last        DATE,
  onenote_last        DATE,
  loop_last           DATE,
  chat_work_last      DATE,
  chat_web_last       DATE,
  m365_app_last       DATE,
  edge_last           DATE,
  agent_last          DATE,
  prompts_all         BIGINT,
  active_days         BIGINT,
  report_period       VARCHAR USING COMPRESSION dictionary,
  extras              JSON USING COMPRESSION dictionary
);
INSERT INTO stg_copilot_activity_v13 SELECT * FROM stg_copilot_activity;
DROP TABLE stg_copilot_activity;
ALTER TABLE stg_copilot_activity_v13 RENAME TO stg_copilot_activity;

CREATE TABLE stg_copilot_reports_v13 (
  snapshot_date       DATE NOT NULL,
  customer_id         VARCHAR NOT NULL USING COMPRESSION dictionary,
  report_refresh_date DATE,
  apps                VARCHAR[] NOT NULL
);
INSERT INTO stg_copilot_reports_v13 SELECT * FROM stg_copilot_reports;
DROP TABLE stg_copilot_reports;
ALTER TABLE stg_copilot_reports_v13 RENAME TO stg_copilot_reports;

CREATE TABLE stg_customers_v13 (
  snapshot_date   DATE NOT NULL,
  customer_id     VARCHAR NOT NULL,
  customer_name   VARCHAR NOT NULL USING COMPRESSION dictionary,
  owner_email     VARCHAR USING COMPRESSION dictionary,
  locale          VARCHAR NOT NULL USING COMPRESSION dictionary,
  segment         VARCHAR USING COMPRESSION dictionary,
  carried_forward BOOLEAN NOT NULL
);
INSERT INTO stg_customers_v13 SELECT * FROM stg_customers;
DROP TABLE stg_customers;
ALTER TABLE stg_customers_v13 RENAME TO stg_customers;

CREATE TABLE stg_subscriptions_v13 (
  snapshot_date            DATE NOT NULL,
  customer_id              VARCHAR NOT NULL USING COMPRESSION dictionary,
  source                   VARCHAR NOT NULL USING COMPRESSION dictionary,
  subscription_id          VARCHAR NOT NULL,
  commerce_subscription_id VARCHAR,
  sku_id                   VARCHAR NOT NULL USING COMPRESSION dictionary,
  status_raw               VARCHAR NOT NULL,
  status                   VARCHAR NOT NULL USING COMPRESSION dictionary,
  is_trial                 BOOLEAN NOT NULL,
  units                    BIGINT NOT NULL,
  owner_tenant_id          VARCHAR USING COMPRESSION dictionary,
  term_end                 DATE
);
INSERT INTO stg_subscriptions_v13 SELECT * FROM stg_subscriptions;
DROP TABLE stg_subscriptions;
ALTER TABLE stg_subscriptions_v13 RENAME TO stg_subscriptions;

CREATE TABLE stg_subscribed_skus_v13 (
  snapshot_date     DATE NOT NULL,
  customer_id       VARCHAR NOT NULL USING COMPRESSION dictionary,
  sku_id            VARCHAR NOT NULL USING COMPRESSION dictionary,
  part_number       VARCHAR USING COMPRESSION dictionary,
  capability_status VARCHAR USING COMPRESSION dictionary,
  consumed_units    BIGINT,
  enabled_units     BIGINT,
  warning_units     BIGINT,
  suspended_units   BIGINT,
  locked_out_units  BIGINT
);
INSERT INTO stg_subscribed_skus_v13 SELECT * FROM stg_subscribed_skus;
DROP TABLE stg_subscribed_skus;
ALTER TABLE stg_subscribed_skus_v13 RENAME TO stg_subscribed_skus;

CREATE TABLE stg_subscription_terms_v13 (
  snapshot_date        DATE NOT NULL,
  customer_id          VARCHAR NOT NULL USING COMPRESSION dictionary,
  subscription_id      VARCHAR NOT NULL,
  sku_id               VARCHAR NOT NULL USING COMPRESSION dictionary,
  offer_id             VARCHAR,
  product_id           VARCHAR USING COMPRESSION dictionary,
  nce_sku_id           VARCHAR USING COMPRESSION dictionary,
  term_duration        VARCHAR USING COMPRESSION dictionary,
  billing_cycle        VARCHAR USING COMPRESSION dictionary,
  effective_start_date DATE,
  commitment_end_date  DATE,
  auto_renew           BOOLEAN,
  refundable_quantity  BIGINT,
  refundable_until     TIMESTAMP,
  scheduled_quantity   BIGINT
);
INSERT INTO stg_subscription_terms_v13 SELECT * FROM stg_subscription_terms;
DROP TABLE stg_subscription_terms;
ALTER TABLE stg_subscription_terms_v13 RENAME TO stg_subscription_terms;

CREATE TABLE stg_assigned_products_v13 (
  snapshot_date     DATE NOT NULL,
  assigned_products VARCHAR NOT NULL USING COMPRESSION dictionary,
  product_name      VARCHAR NOT NULL USING COMPRESSION dictionary,
  sku_id            VARCHAR USING COMPRESSION dictionary,
  priority          INTEGER NOT NULL
);
INSERT INTO stg_assigned_products_v13 SELECT * FROM stg_assigned_products;
DROP TABLE stg_assigned_products;
ALTER TABLE stg_assigned_products_v13 RENAME TO stg_assigned_products;

CREATE TABLE load_files_v13 (
  snapshot_date DATE NOT NULL,
  path          VARCHAR NOT NULL,
  source        VARCHAR NOT NULL USING COMPRESSION dictionary,
  customer_id   VARCHAR USING COMPRESSION dictionary,
  bytes         BIGINT NOT NULL,
  sha256        VARCHAR NOT NULL,
  rows_loaded   BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  status        VARCHAR NOT NULL USING COMPRESSION dictionary
);
INSERT INTO load_files_v13 SELECT * FROM load_files;
DROP TABLE load_files;
ALTER TABLE load_files_v13 RENAME TO load_files;

CREATE TABLE adoption_daily_v13 (
  snapshot_date        DATE NOT NULL,
  customer_id          VARCHAR NOT NULL USING COMPRESSION dictionary,
  sku_id               VARCHAR NOT NULL USING COMPRESSION dictionary,
  as_of_date           DATE NOT NULL,
  source               VARCHAR NOT NULL USING COMPRESSION dictionary,
  licenses_sold        BIGINT NOT NULL,
  licenses_sold_own    BIGINT,
  licenses_assigned    BIGINT NOT NULL,
  deployment_pct       DOUBLE,
  entitlements         BIGINT NOT NULL,
  active_entitlements  BIGINT,
  usage_pct            DOUBLE,
  usage_basis          VARCHAR NOT NULL USING COMPRESSION dictionary,
  unassigned           BIGINT NOT NULL,
  inactive             BIGINT,
  active_deleted       BIGINT,
  active_over_capacity BIGINT,
  over_capacity_cause  VARCHAR,
  active_yammer_only   BIGINT,
  usage_pct_adjusted   DOUBLE,
  active_adjusted      BIGINT
);
INSERT INTO adoption_daily_v13 SELECT * FROM adoption_daily;
DROP TABLE adoption_daily;
ALTER TABLE adoption_daily_v13 RENAME TO adoption_daily;

CREATE TABLE adoption_customer_daily_v13 (
  snapshot_date         DATE NOT NULL,
  customer_id           VARCHAR NOT NULL USING COMPRESSION dictionary,
  customer_name         VARCHAR NOT NULL USING COMPRESSION dictionary,
  owner_email           VARCHAR USING COMPRESSION dictionary,
  as_of_date            DATE NOT NULL,
  source                VARCHAR NOT NULL USING COMPRESSION dictionary,
  products              INTEGER NOT NULL,
  licenses_sold         BIGINT NOT NULL,
  licenses_sold_own     BIGINT,
  licenses_assigned     BIGINT NOT NULL,
  deployment_pct        DOUBLE,
  entitlements          BIGINT NOT NULL,
  active_entitlements   BIGINT,
  usage_pct             DOUBLE,
  usage_pct_adjusted    DOUBLE,
  unassigned            BIGINT NOT NULL,
  inactive              BIGINT,
  usage_entitlements    BIGINT,
  adjusted_entitlements BIGINT,
  active_adjusted       BIGINT
);
INSERT INTO adoption_customer_daily_v13 SELECT * FROM adoption_customer_daily;
DROP TABLE adoption_customer_daily;
ALTER TABLE adoption_customer_daily_v13 RENAME TO adoption_customer_daily;

CREATE TABLE adoption_workload_daily_v13 (
  snapshot_date      DATE NOT NULL,
  customer_id        VARCHAR NOT NULL USING COMPRESSION dictionary,
  sku_id             VARCHAR NOT NULL USING COMPRESSION dictionary,
  workload           VARCHAR NOT NULL USING COMPRESSION dictionary,
  as_of_date         DATE NOT NULL,
  source             VARCHAR NOT NULL USING COMPRESSION dictionary,
  licenses_qualified BIGINT NOT NULL,
  licenses_active    BIGINT NOT NULL,
  usage_pct          DOUBLE
);
INSERT INTO adoption_workload_daily_v13 SELECT * FROM adoption_workload_daily;
DROP TABLE adoption_workload_daily;
ALTER TABLE adoption_workload_daily_v13 RENAME TO adoption_workload_daily;

CREATE TABLE licence_spend_daily_v13 (
  snapshot_date           DATE NOT NULL,
  customer_id             VARCHAR NOT NULL USING COMPRESSION dictionary,
  sku_id                  VARCHAR NOT NULL USING COMPRESSION dictionary,
  price_basis             VARCHAR NOT NULL USING COMPRESSION dictionary,
  subscription_id         VARCHAR USING COMPRESSION dictionary,
  product_id              VARCHAR USING COMPRESSION dictionary,
  nce_sku_id              VARCHAR USING COMPRESSION dictionary,
  term_duration           VARCHAR USING COMPRESSION dictionary,
  billing_plan            VARCHAR USING COMPRESSION dictionary,
  own_seats               BIGINT NOT NULL,
  unassigned              BIGINT NOT NULL,
  inactive                BIGINT,
  costed_unassigned       BIGINT NOT NULL,
  costed_inactive         BIGINT,
  monthly_price           DOUBLE,
  currency                VARCHAR USING COMPRESSION dictionary,
  unassigned_monthly_cost DOUBLE,
  inactive_monthly_cost   DOUBLE,
  next_renewal_date       DATE,
  renewal_deadline        DATE,
  renewal_monthly_price   DOUBLE,
  scheduled_reduction     BIGINT,
  reducible_at_renewal    BIGINT,
  reducible_now           BIGINT NOT NULL,
  reducible_now_until     TIMESTAMP,
  price_note              VARCHAR
);
INSERT INTO licence_spend_daily_v13 SELECT * FROM licence_spend_daily;
DROP TABLE licence_spend_daily;
ALTER TABLE licence_spend_daily_v13 RENAME TO licence_spend_daily;

CREATE TABLE licence_spend_customer_daily_v13 (
  snapshot_date           DATE NOT NULL,
  customer_id             VARCHAR NOT NULL USING COMPRESSION dictionary,
  owner_email             VARCHAR USING COMPRESSION dictionary,
  currency                VARCHAR USING COMPRESSION dictionary,
  products                BIGINT NOT NULL,
  unassigned              BIGINT NOT NULL,
  inactive                BIGINT NOT NULL,
  unassigned_monthly_cost DOUBLE,
  inactive_monthly_cost   DOUBLE,
  reducible_at_renewal    BIGINT NOT NULL,
  reducible_now           BIGINT NOT NULL,
  next_renewal_date       DATE
);
INSERT INTO licence_spend_customer_daily_v13 SELECT * FROM licence_spend_customer_daily;
DROP TABLE licence_spend_customer_daily;
ALTER TABLE licence_spend_customer_daily_v13 RENAME TO licence_spend_customer_daily;

CREATE TABLE adoption_weekly_v13 (
  week_ending               DATE NOT NULL,
  customer_id               VARCHAR NOT NULL USING COMPRESSION dictionary,
  sku_id                    VARCHAR NOT NULL USING COMPRESSION dictionary,
  has_data                  BOOLEAN NOT NULL,
  snapshot_date             DATE,
  as_of_date                DATE,
  source                    VARCHAR USING COMPRESSION dictionary,
  licenses_sold             BIGINT,
  licenses_sold_own         BIGINT,
  licenses_assigned         BIGINT,
  deployment_pct            DOUBLE,
  entitlements              BIGINT,
  active_entitlements       BIGINT,
  usage_pct                 DOUBLE,
  usage_pct_adjusted        DOUBLE,
  usage_basis               VARCHAR USING COMPRESSION dictionary,
  unassigned                BIGINT,
  inactive                  BIGINT,
  active_deleted            BIGINT,
  active_over_capacity      BIGINT,
  over_capacity_cause       VARCHAR,
  active_yammer_only        BIGINT,
  deployment_pct_change     DOUBLE,
  usage_pct_change          DOUBLE,
  usage_pct_adjusted_change DOUBLE,
  deployment_pct_ma4        DOUBLE,
  usage_pct_ma4             DOUBLE,
  usage_pct_adjusted_ma4    DOUBLE,
  low_usage_streak          INTEGER NOT NULL,
  first_seen                DATE,
  last_seen                 DATE,
  customer_rank_in_book     INTEGER,
  active_adjusted           BIGINT
);
INSERT INTO adoption_weekly_v13 SELECT * FROM adoption_weekly;
DROP TABLE adoption_weekly;
ALTER TABLE adoption_weekly_v13 RENAME TO adoption_weekly;

CREATE TABLE adoption_customer_weekly_v13 (
  week_ending               DATE NOT NULL,
  customer_id               VARCHAR NOT NULL USING COMPRESSION dictionary,
  has_data                  BOOLEAN NOT NULL,
  snapshot_date             DATE,
  as_of_date                DATE,
  customer_name             VARCHAR USING COMPRESSION dictionary,
  owner_email               VARCHAR USING COMPRESSION dictionary,
  licenses_sold             BIGINT,
  licenses_assigned         BIGINT,
  deployment_pct            DOUBLE,
  entitlements              BIGINT,
  active_entitlements       BIGINT,
  usage_pct                 DOUBLE,
  usage_pct_adjusted        DOUBLE,
  unassigned                BIGINT,
  inactive                  BIGINT,
  unused                    BIGINT,
  deployment_pct_change     DOUBLE,
  usage_pct_change          DOUBLE,
  usage_pct_adjusted_change DOUBLE,
  usage_pct_ma4             DOUBLE,
  usage_pct_adjusted_ma4    DOUBLE,
  low_usage_streak          INTEGER NOT NULL,
  first_seen                DATE,
  last_seen                 DATE,
  rank_in_book              INTEGER,
  usage_entitlements        BIGINT,
  adjusted_entitlements     BIGINT,
  active_adjusted           BIGINT
);
INSERT INTO adoption_customer_weekly_v13 SELECT * FROM adoption_customer_weekly;
DROP TABLE adoption_customer_weekly;
ALTER TABLE adoption_customer_weekly_v13 RENAME TO adoption_customer_weekly;

CREATE TABLE adoption_workload_weekly_v13 (
  week_ending        DATE NOT NULL,
  customer_id        VARCHAR NOT NULL USING COMPRESSION dictionary,
  sku_id             VARCHAR NOT NULL USING COMPRESSION dictionary,
  workload           VARCHAR NOT NULL USING COMPRESSION dictionary,
  has_data           BOOLEAN NOT NULL,
  snapshot_date      DATE,
  as_of_date         DATE,
  source             VARCHAR USING COMPRESSION dictionary,
  licenses_qualified BIGINT,
  licenses_active    BIGINT,
  usage_pct          DOUBLE,
  usage_pct_change   DOUBLE,
  usage_pct_ma4      DOUBLE
);
INSERT INTO adoption_workload_weekly_v13 SELECT * FROM adoption_workload_weekly;
DROP TABLE adoption_workload_weekly;
ALTER TABLE adoption_workload_weekly_v13 RENAME TO adoption_workload_weekly;

-- Migration 001: the initial warehouse.
-- Produces: the product catalogue tables, the load and run ledgers, the canonical staging tables (one row set
-- per snapshot date, replaced whole when a date is loaded again) and the daily metric tables.
-- Dates: snapshot_date is the drop's folder date; as_of_date is the date the source data is as of.

-- Product catalogue, rewritten from config/ at every run so that metrics always follow the current catalogue.
CREATE TABLE catalog_products (
  sku_id         VARCHAR PRIMARY KEY,  -- lower-case GUID
  part_number    VARCHAR NOT NULL,
  display_name   VARCHAR NOT NULL,
  family         VARCHAR NOT NULL,
  excluded       BOOLEAN NOT NULL,     -- free/viral SKUs: never a metric row
  wl_exchange    BOOLEAN NOT NULL,
  wl_sharepoint  BOOLEAN NOT NULL,
  wl_teams       BOOLEAN NOT NULL,
  wl_skype       BOOLEAN NOT NULL,
  wl_yammer      BOOLEAN NOT NULL,
  wl_office_apps BOOLEAN NOT NULL,
  wl_dynamics    BOOLEAN NOT NULL
);

CREATE TABLE catalog_aliases (
  alias    VARCHAR NOT NULL,   -- upper case, no spaces around '+'
  sku_id   VARCHAR NOT NULL,
  priority INTEGER NOT NULL    -- order among SKUs sharing an alias (0 first)
);

-- One row per loaded snapshot date: the latest load of that date.
CREATE TABLE loads (
  snapshot_date  DATE PRIMARY KEY,
  run_id         VARCHAR NOT NULL,
  loaded_at      TIMESTAMP NOT NULL,
  drop_path      VARCHAR NOT NULL,
  outcome        VARCHAR NOT NULL,   -- loaded | loaded_with_issues
  files          INTEGER NOT NULL,
  rows_loaded    BIGINT NOT NULL,
  rows_rejected  BIGINT NOT NULL,
  errors         INTEGER NOT NULL,
  warnings       INTEGER NOT NULL
);

-- Every file of a loaded drop: what was read and what became of it.
CREATE TABLE load_files (
  snapshot_date  DATE NOT NULL,
  path           VARCHAR NOT NULL,   -- relative to the drop folder, '/'-separated
  source         VARCHAR NOT NULL,   -- customers | tickets | graph_users | graph_subscriptions | graph_subscribed_skus
                                     -- | pc_subscriptions | pc_deployment | pc_usage | manifest | unknown
  customer_id    VARCHAR,            -- tenant files: the tenant
  bytes          BIGINT NOT NULL,
  sha256         VARCHAR NOT NULL,
  rows_loaded    BIGINT NOT NULL,
  rows_rejected  BIGINT NOT NULL,
  status         VARCHAR NOT NULL    -- loaded | set_aside | ignored
);

-- What a load set aside or noticed, naming file, line and column where there is one.
CREATE TABLE load_issues (
  snapshot_date  DATE NOT NULL,
  severity       VARCHAR NOT NULL,   -- error (data set aside) | warning | info
  code           VARCHAR NOT NULL,
  file           VARCHAR,
  line           BIGINT,
  column_name    VARCHAR,
  customer_id    VARCHAR,
  message        VARCHAR NOT NULL
);

-- Every job run: ingest, backfill, export, and later the scheduled jobs.
CREATE TABLE runs (
  run_id       VARCHAR PRIMARY KEY,
  job          VARCHAR NOT NULL,
  trigger      VARCHAR NOT NULL,     -- manual | schedule | backfill
  due_at       TIMESTAMP,
  started_at   TIMESTAMP NOT NULL,
  finished_at  TIMESTAMP,
  state        VARCHAR NOT NULL,     -- running | succeeded | failed | skipped
  params       VARCHAR,              -- JSON
  counts       VARCHAR,              -- JSON
  error        VARCHAR
);

-- ---------------------------------------------------------------- staging (canonical input)

CREATE TABLE stg_customers (
  snapshot_date   DATE NOT NULL,
  customer_id     VARCHAR NOT NULL,  -- tenant GUID, lower case
  customer_name   VARCHAR NOT NULL,
  owner_email     VARCHAR,
  locale          VARCHAR NOT NULL,
  segment         VARCHAR,
  carried_forward BOOLEAN NOT NULL   -- true when customers.csv was missing and the last list was reused
);

-- Graph getOffice365ActiveUserDetail, one row per user of a tenant.
CREATE TABLE stg_user_activity (
  snapshot_date        DATE NOT NULL,
  customer_id          VARCHAR NOT NULL,
  user_key             VARCHAR NOT NULL,  -- User Principal Name, possibly concealed: an opaque key
  is_deleted           BOOLEAN NOT NULL,
  deleted_date         DATE,
  report_refresh_date  DATE NOT NULL,
  exchange_last        DATE,
  onedrive_last        DATE,
  sharepoint_last      DATE,
  skype_last           DATE,
  yammer_last          DATE,
  teams_last           DATE,
  assigned_products    VARCHAR NOT NULL,
  extras               JSON                -- unknown columns, kept aside
);

-- Each distinct 'Assigned Products' string of a date, split into product names and matched to SKUs.
CREATE TABLE stg_assigned_products (
  snapshot_date      DATE NOT NULL,
  assigned_products  VARCHAR NOT NULL,
  product_name       VARCHAR NOT NULL,
  sku_id             VARCHAR,             -- NULL: a name the catalogue does not know
  priority           INTEGER NOT NULL
);

-- Who holds which SKU, and whether they used it: one row per user × SKU held (excluded SKUs left out).
-- active_<workload> is true when the product includes the workload and the user's last activity on it lies in
-- the 28-day window [as_of_date - 27, as_of_date]; OneDrive counts as sharepoint.
CREATE TABLE user_license_activity (
  snapshot_date       DATE NOT NULL,
  customer_id         VARCHAR NOT NULL,
  user_key            VARCHAR NOT NULL,
  sku_id              VARCHAR NOT NULL,
  as_of_date          DATE NOT NULL,
  is_deleted          BOOLEAN NOT NULL,
  active_exchange     BOOLEAN NOT NULL,
  active_sharepoint   BOOLEAN NOT NULL,
  active_skype        BOOLEAN NOT NULL,
  active_teams        BOOLEAN NOT NULL,
  active_yammer       BOOLEAN NOT NULL,
  active              BOOLEAN NOT NULL,
  last_activity_date  DATE                -- newest activity on any of the product's workloads, any time
);

-- Subscriptions from Graph (companySubscription) and Partner Center (Subscription), statuses normalised.
CREATE TABLE stg_subscriptions (
  snapshot_date            DATE NOT NULL,
  customer_id              VARCHAR NOT NULL,
  source                   VARCHAR NOT NULL,   -- graph | partner_center
  subscription_id          VARCHAR NOT NULL,   -- lower case
  commerce_subscription_id VARCHAR,            -- graph: the Partner Center subscription id, lower case
  sku_id                   VARCHAR NOT NULL,
  status_raw               VARCHAR NOT NULL,
  status                   VARCHAR NOT NULL,   -- active | grace | suspended | disabled | deprovisioned | pending
  is_trial                 BOOLEAN NOT NULL,
  units                    BIGINT NOT NULL,
  owner_tenant_id          VARCHAR,            -- graph: the tenant that sold it
  term_end                 DATE
);

CREATE TABLE stg_subscribed_skus (
  snapshot_date      DATE NOT NULL,
  customer_id        VARCHAR NOT NULL,
  sku_id             VARCHAR NOT NULL,
  part_number        VARCHAR,
  capability_status  VARCHAR,
  consumed_units     BIGINT,
  enabled_units      BIGINT,
  warning_units      BIGINT,
  suspended_units    BIGINT,
  locked_out_units   BIGINT
);

-- Partner Center analytics: licences sold and deployed per customer × product.
CREATE TABLE stg_pc_deployment (
  snapshot_date      DATE NOT NULL,
  customer_id        VARCHAR NOT NULL,
  customer_name      VARCHAR,
  sku_id             VARCHAR NOT NULL,
  product_name       VARCHAR,
  licenses_deployed  BIGINT NOT NULL,
  licenses_sold      BIGINT NOT NULL,
  processed_date     DATE NOT NULL
);

-- Partner Center analytics: active and qualified licences per customer × product × workload.
CREATE TABLE stg_pc_usage (
  snapshot_date       DATE NOT NULL,
  customer_id         VARCHAR NOT NULL,
  customer_name       VARCHAR,
  sku_id              VARCHAR NOT NULL,
  product_name        VARCHAR,
  workload            VARCHAR NOT NULL,   -- exchange | sharepoint | skype | teams | yammer | dynamics | other code
  licenses_active     BIGINT NOT NULL,
  licenses_qualified  BIGINT NOT NULL,
  processed_date      DATE NOT NULL
);

CREATE TABLE stg_tickets (
  snapshot_date  DATE NOT NULL,
  ticket_id      VARCHAR NOT NULL,
  customer_id    VARCHAR NOT NULL,
  opened_at      TIMESTAMP NOT NULL,
  category       VARCHAR NOT NULL,
  product        VARCHAR
);

-- ---------------------------------------------------------------- metrics

-- Grain: snapshot date × customer × SKU (DESIGN.md §1.1–1.3). Ratios are fractions (0.85 = 85%).
CREATE TABLE adoption_daily (
  snapshot_date         DATE NOT NULL,
  customer_id           VARCHAR NOT NULL,
  sku_id                VARCHAR NOT NULL,
  as_of_date            DATE NOT NULL,
  source                VARCHAR NOT NULL,   -- graph | partner_center
  licenses_sold         BIGINT NOT NULL,
  licenses_sold_own     BIGINT,
  licenses_assigned     BIGINT NOT NULL,
  deployment_pct        DOUBLE,
  entitlements          BIGINT NOT NULL,
  active_entitlements   BIGINT NOT NULL,
  usage_pct             DOUBLE,
  usage_basis           VARCHAR NOT NULL,   -- any_workload | busiest_workload_lower_bound | not_measurable
  unassigned            BIGINT NOT NULL,
  inactive              BIGINT,
  active_deleted        BIGINT,
  active_over_capacity  BIGINT,
  over_capacity_cause   VARCHAR,
  active_yammer_only    BIGINT,
  usage_pct_adjusted    DOUBLE,
  PRIMARY KEY (snapshot_date, customer_id, sku_id)
);

-- Grain: snapshot date × customer × SKU × workload.
CREATE TABLE adoption_workload_daily (
  snapshot_date       DATE NOT NULL,
  customer_id         VARCHAR NOT NULL,
  sku_id              VARCHAR NOT NULL,
  workload            VARCHAR NOT NULL,
  as_of_date          DATE NOT NULL,
  source              VARCHAR NOT NULL,
  licenses_qualified  BIGINT NOT NULL,   -- graph: the product's entitlements
  licenses_active     BIGINT NOT NULL,   -- graph: holders (deleted included) active on this workload
  usage_pct           DOUBLE,
  PRIMARY KEY (snapshot_date, customer_id, sku_id, workload)
);

-- Grain: snapshot date × customer. Ratios of sums.
CREATE TABLE adoption_customer_daily (
  snapshot_date        DATE NOT NULL,
  customer_id          VARCHAR NOT NULL,
  customer_name        VARCHAR NOT NULL,
  owner_email          VARCHAR,
  as_of_date           DATE NOT NULL,
  source               VARCHAR NOT NULL,
  products             INTEGER NOT NULL,
  licenses_sold        BIGINT NOT NULL,
  licenses_sold_own    BIGINT,
  licenses_assigned    BIGINT NOT NULL,
  deployment_pct       DOUBLE,
  entitlements         BIGINT NOT NULL,
  active_entitlements  BIGINT NOT NULL,
  usage_pct            DOUBLE,
  usage_pct_adjusted   DOUBLE,
  unassigned           BIGINT NOT NULL,
  inactive             BIGINT,
  PRIMARY KEY (snapshot_date, customer_id)
);

-- Grain: snapshot date × account manager ('' = customers without an owner).
CREATE TABLE adoption_portfolio_daily (
  snapshot_date        DATE NOT NULL,
  owner_email          VARCHAR NOT NULL,
  as_of_date           DATE NOT NULL,    -- the newest as-of date of the owner's customers
  oldest_as_of_date    DATE NOT NULL,
  customers            INTEGER NOT NULL,
  licenses_sold        BIGINT NOT NULL,
  licenses_assigned    BIGINT NOT NULL,
  deployment_pct       DOUBLE,
  entitlements         BIGINT NOT NULL,
  active_entitlements  BIGINT NOT NULL,
  usage_pct            DOUBLE,
  usage_pct_adjusted   DOUBLE,
  unassigned           BIGINT NOT NULL,
  inactive             BIGINT,
  PRIMARY KEY (snapshot_date, owner_email)
);

-- Migration 005: the metric tables without primary keys.
-- Each metric query writes one row per grain by construction (GROUP BY / one row per spine week), and the tests
-- check every grain for duplicates. The keys cost more than they guarded: DuckDB keeps an ART index per key, updates
-- it on every insert and delete and rewrites it at each checkpoint, so one night's ingest got slower as history
-- grew (at 90 days of 2,000 customers, about a second of each night: the workload table's index alone took 0.5 s
-- to checkpoint). Columns, types and NOT NULL are unchanged; rows are copied as they are.

CREATE TABLE adoption_daily_v5 (
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
  usage_pct_adjusted    DOUBLE
);
INSERT INTO adoption_daily_v5 SELECT * FROM adoption_daily;
DROP TABLE adoption_daily;
ALTER TABLE adoption_daily_v5 RENAME TO adoption_daily;

CREATE TABLE adoption_workload_daily_v5 (
  snapshot_date       DATE NOT NULL,
  customer_id         VARCHAR NOT NULL,
  sku_id              VARCHAR NOT NULL,
  workload            VARCHAR NOT NULL,
  as_of_date          DATE NOT NULL,
  source              VARCHAR NOT NULL,
  licenses_qualified  BIGINT NOT NULL,   -- graph: the product's entitlements
  licenses_active     BIGINT NOT NULL,   -- graph: holders (deleted included) active on this workload
  usage_pct           DOUBLE
);
INSERT INTO adoption_workload_daily_v5 SELECT * FROM adoption_workload_daily;
DROP TABLE adoption_workload_daily;
ALTER TABLE adoption_workload_daily_v5 RENAME TO adoption_workload_daily;

CREATE TABLE adoption_customer_daily_v5 (
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
  inactive             BIGINT
);
INSERT INTO adoption_customer_daily_v5 SELECT * FROM adoption_customer_daily;
DROP TABLE adoption_customer_daily;
ALTER TABLE adoption_customer_daily_v5 RENAME TO adoption_customer_daily;

CREATE TABLE adoption_portfolio_daily_v5 (
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
  inactive             BIGINT
);
INSERT INTO adoption_portfolio_daily_v5 SELECT * FROM adoption_portfolio_daily;
DROP TABLE adoption_portfolio_daily;
ALTER TABLE adoption_portfolio_daily_v5 RENAME TO adoption_portfolio_daily;

CREATE TABLE adoption_customer_weekly_v5 (
  week_ending                DATE NOT NULL,
  customer_id                VARCHAR NOT NULL,
  has_data                   BOOLEAN NOT NULL,
  snapshot_date              DATE,       -- the week's last snapshot
  as_of_date                 DATE,
  customer_name              VARCHAR,
  owner_email                VARCHAR,
  licenses_sold              BIGINT,
  licenses_assigned          BIGINT,
  deployment_pct             DOUBLE,
  entitlements               BIGINT,
  active_entitlements        BIGINT,
  usage_pct                  DOUBLE,
  usage_pct_adjusted         DOUBLE,
  unassigned                 BIGINT,
  inactive                   BIGINT,
  unused                     BIGINT,     -- unassigned + inactive
  deployment_pct_change      DOUBLE,     -- against the previous week; NULL when either week is a gap
  usage_pct_change           DOUBLE,
  usage_pct_adjusted_change  DOUBLE,
  usage_pct_ma4              DOUBLE,     -- mean of the weeks with data among this one and the 3 before
  usage_pct_adjusted_ma4     DOUBLE,
  low_usage_streak           INTEGER NOT NULL,  -- consecutive weeks up to this one below the low-usage threshold
  first_seen                 DATE,
  last_seen                  DATE,
  rank_in_book               INTEGER     -- 1 = most unused licences in the account manager's book this week
);
INSERT INTO adoption_customer_weekly_v5 SELECT * FROM adoption_customer_weekly;
DROP TABLE adoption_customer_weekly;
ALTER TABLE adoption_customer_weekly_v5 RENAME TO adoption_customer_weekly;

CREATE TABLE adoption_weekly_v5 (
  week_ending                DATE NOT NULL,
  customer_id                VARCHAR NOT NULL,
  sku_id                     VARCHAR NOT NULL,
  has_data                   BOOLEAN NOT NULL,
  snapshot_date              DATE,
  as_of_date                 DATE,
  source                     VARCHAR,
  licenses_sold              BIGINT,
  licenses_sold_own          BIGINT,
  licenses_assigned          BIGINT,
  deployment_pct             DOUBLE,
  entitlements               BIGINT,
  active_entitlements        BIGINT,
  usage_pct                  DOUBLE,
  usage_pct_adjusted         DOUBLE,
  usage_basis                VARCHAR,
  unassigned                 BIGINT,
  inactive                   BIGINT,
  active_deleted             BIGINT,
  active_over_capacity       BIGINT,
  over_capacity_cause        VARCHAR,
  active_yammer_only         BIGINT,
  deployment_pct_change      DOUBLE,
  usage_pct_change           DOUBLE,
  usage_pct_adjusted_change  DOUBLE,
  deployment_pct_ma4         DOUBLE,
  usage_pct_ma4              DOUBLE,
  usage_pct_adjusted_ma4     DOUBLE,
  low_usage_streak           INTEGER NOT NULL,
  first_seen                 DATE,
  last_seen                  DATE,
  customer_rank_in_book      INTEGER
);
INSERT INTO adoption_weekly_v5 SELECT * FROM adoption_weekly;
DROP TABLE adoption_weekly;
ALTER TABLE adoption_weekly_v5 RENAME TO adoption_weekly;

CREATE TABLE adoption_workload_weekly_v5 (
  week_ending          DATE NOT NULL,
  customer_id          VARCHAR NOT NULL,
  sku_id               VARCHAR NOT NULL,
  workload             VARCHAR NOT NULL,
  has_data             BOOLEAN NOT NULL,
  snapshot_date        DATE,
  as_of_date           DATE,
  source               VARCHAR,
  licenses_qualified   BIGINT,
  licenses_active      BIGINT,
  usage_pct            DOUBLE,
  usage_pct_change     DOUBLE,
  usage_pct_ma4        DOUBLE
);
INSERT INTO adoption_workload_weekly_v5 SELECT * FROM adoption_workload_weekly;
DROP TABLE adoption_workload_weekly;
ALTER TABLE adoption_workload_weekly_v5 RENAME TO adoption_workload_weekly;

CREATE TABLE adoption_portfolio_weekly_v5 (
  week_ending                DATE NOT NULL,
  owner_email                VARCHAR NOT NULL,
  has_data                   BOOLEAN NOT NULL,
  snapshot_date              DATE,
  as_of_date                 DATE,
  customers                  INTEGER,
  licenses_sold              BIGINT,
  licenses_assigned          BIGINT,
  deployment_pct             DOUBLE,
  entitlements               BIGINT,
  active_entitlements        BIGINT,
  usage_pct                  DOUBLE,
  usage_pct_adjusted         DOUBLE,
  unassigned                 BIGINT,
  inactive                   BIGINT,
  deployment_pct_change      DOUBLE,
  usage_pct_change           DOUBLE,
  usage_pct_adjusted_change  DOUBLE,
  usage_pct_ma4              DOUBLE,
  usage_pct_adjusted_ma4     DOUBLE
);
INSERT INTO adoption_portfolio_weekly_v5 SELECT * FROM adoption_portfolio_weekly;
DROP TABLE adoption_portfolio_weekly;
ALTER TABLE adoption_portfolio_weekly_v5 RENAME TO adoption_portfolio_weekly;

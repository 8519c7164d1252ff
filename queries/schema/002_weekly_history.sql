-- Migration 002: weekly history.
-- Produces: the week_ending() macro, loads.metrics_at (when the date's metrics were last computed, so that a load
-- whose metrics were never finished is found and recomputed), and the weekly tables computed from the daily ones.

CREATE MACRO week_ending(d, end_dow) AS (d + ((7 + end_dow - dayofweek(d)) % 7)::INTEGER);

ALTER TABLE loads ADD COLUMN metrics_at TIMESTAMP;
UPDATE loads SET metrics_at = loaded_at;

-- Grain: week × customer. Weeks with no data for the customer between its first and last week are rows with
-- has_data = false and NULL figures: gaps, not zeros.
CREATE TABLE adoption_customer_weekly (
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
  rank_in_book               INTEGER,    -- 1 = most unused licences in the account manager's book this week
  PRIMARY KEY (week_ending, customer_id)
);

-- Grain: week × customer × SKU.
CREATE TABLE adoption_weekly (
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
  customer_rank_in_book      INTEGER,
  PRIMARY KEY (week_ending, customer_id, sku_id)
);

-- Grain: week × customer × SKU × workload.
CREATE TABLE adoption_workload_weekly (
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
  usage_pct_ma4        DOUBLE,
  PRIMARY KEY (week_ending, customer_id, sku_id, workload)
);

-- Grain: week × account manager ('' = customers without one).
CREATE TABLE adoption_portfolio_weekly (
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
  usage_pct_adjusted_ma4     DOUBLE,
  PRIMARY KEY (week_ending, owner_email)
);

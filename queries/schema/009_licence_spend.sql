-- Migration 009: licence spend (DESIGN.md §1.7, licence-spend.md).
-- Produces: the price list and offer matrix staging tables, the spend terms of Partner Center subscriptions, and the
-- daily spend metric tables (customer × SKU, and roll-ups per customer, account manager and portfolio, each per
-- currency: amounts are never summed across currencies).

-- The catalogue's NCE ids per Graph skuId (config/products.json "nce"), rewritten with the catalogue at every run;
-- used for a date whose drop has no offer matrix.
CREATE TABLE catalog_nce (
  sku_id      VARCHAR NOT NULL,   -- Graph skuId, lower case
  product_id  VARCHAR NOT NULL,   -- upper case
  nce_sku_id  VARCHAR NOT NULL,   -- upper case, left-padded to 4 when numeric
  demo        BOOLEAN NOT NULL    -- a made-up id of the demo, not Microsoft's
);

-- Partner Center's NCE licence-based price list (partner-center/pricesheet.csv or .zip), one row per price row kept:
-- rows of the configured market and billing currency (spend.market, spend.currency) when those are set.
CREATE TABLE stg_prices (
  snapshot_date    DATE NOT NULL,
  file             VARCHAR NOT NULL,     -- the drop file it came from
  line             BIGINT NOT NULL,      -- its line in that file (1 = the header)
  product_id       VARCHAR NOT NULL,     -- NCE ProductId, upper case
  nce_sku_id       VARCHAR NOT NULL,     -- NCE SkuId, text, upper case, left-padded to 4 when numeric
  product_title    VARCHAR,
  sku_title        VARCHAR,
  term_duration    VARCHAR NOT NULL,     -- P1M | P1Y | P3Y | …
  billing_plan     VARCHAR NOT NULL,     -- Annual | Monthly | None (trials) …
  market           VARCHAR NOT NULL,     -- upper case
  currency         VARCHAR NOT NULL,     -- upper case ISO 4217
  unit_price       DOUBLE NOT NULL,      -- price of the whole term
  term_months      INTEGER,              -- 1, 12, 36; NULL for a term this job cannot divide
  monthly_price    DOUBLE,               -- unit_price / term_months
  erp_price        DOUBLE,
  effective_start  TIMESTAMP NOT NULL,   -- UTC
  effective_end    TIMESTAMP NOT NULL,   -- UTC; year 9999 = open-ended
  tags             VARCHAR
);

-- Partner Center's offer matrix (partner-center/offermatrix.csv): NCE ProductId/SkuId → Graph skuId (ProvisioningId).
CREATE TABLE stg_offer_matrix (
  snapshot_date       DATE NOT NULL,
  product_id          VARCHAR NOT NULL,
  nce_sku_id          VARCHAR NOT NULL,
  sku_id              VARCHAR NOT NULL,  -- Graph skuId, lower case
  provisioning_string VARCHAR,
  product_title       VARCHAR,
  sku_title           VARCHAR
);

-- What Partner Center says about each of its subscriptions that prices and seat reductions need (licence-spend.md
-- §4.1); one row per row of stg_subscriptions with source 'partner_center'. A separate table, rather than columns of
-- stg_subscriptions, so that the adoption staging rows keep their shape.
CREATE TABLE stg_subscription_terms (
  snapshot_date         DATE NOT NULL,
  customer_id           VARCHAR NOT NULL,
  subscription_id       VARCHAR NOT NULL,
  sku_id                VARCHAR NOT NULL,     -- Graph skuId, as in stg_subscriptions
  offer_id              VARCHAR,             -- ProductId:SkuId:AvailabilityId
  product_id            VARCHAR,             -- from offer_id, upper case
  nce_sku_id            VARCHAR,             -- from offer_id, upper case
  term_duration         VARCHAR,             -- P1M | P1Y | P3Y
  billing_cycle         VARCHAR,             -- monthly | annual | triennial | …
  effective_start_date  DATE,
  commitment_end_date   DATE,                -- inclusive (UTC)
  auto_renew            BOOLEAN,
  refundable_quantity   BIGINT,              -- refundableQuantity.totalQuantity
  refundable_until      TIMESTAMP,           -- earliest refundableQuantity.details[].allowedUntilDateTime (UTC)
  scheduled_quantity    BIGINT               -- scheduledNextTermInstructions.quantity, when a change is scheduled
);

-- The spend settings a date was loaded with (config spend.*), so that a later recompute prices it the same way.
CREATE TABLE stg_spend_settings (
  snapshot_date         DATE NOT NULL,
  market                VARCHAR,
  currency              VARCHAR,
  default_term          VARCHAR NOT NULL,
  default_billing_plan  VARCHAR NOT NULL
);

-- Per snapshot date × customer × SKU with seats of the partner's own (DESIGN.md §1.7).
CREATE TABLE licence_spend_daily (
  snapshot_date            DATE NOT NULL,
  customer_id              VARCHAR NOT NULL,
  sku_id                   VARCHAR NOT NULL,
  price_basis              VARCHAR NOT NULL,   -- own_subscription | default_term
  subscription_id          VARCHAR,            -- own_subscription: the one renewing soonest, whose price applies
  product_id               VARCHAR,            -- NCE ids of the price row looked up
  nce_sku_id               VARCHAR,
  term_duration            VARCHAR,
  billing_plan             VARCHAR,
  own_seats                BIGINT NOT NULL,    -- seats of the partner's own paid subscriptions (active, not trial)
  unassigned               BIGINT NOT NULL,    -- adoption_daily.unassigned
  inactive                 BIGINT,             -- adoption_daily.inactive (NULL: not known)
  costed_unassigned        BIGINT NOT NULL,    -- least(unassigned, own_seats): seats of others carry no cost
  costed_inactive          BIGINT,             -- least(inactive, own_seats)
  monthly_price            DOUBLE,             -- NULL: no price row (listed in data quality)
  currency                 VARCHAR,
  unassigned_monthly_cost  DOUBLE,
  inactive_monthly_cost    DOUBLE,
  next_renewal_date        DATE,
  renewal_deadline         DATE,               -- the day before next_renewal_date: last day to schedule a change
  renewal_monthly_price    DOUBLE,             -- the row in force on next_renewal_date (else monthly_price)
  scheduled_reduction      BIGINT,
  reducible_at_renewal     BIGINT,
  reducible_now            BIGINT NOT NULL,
  reducible_now_until      TIMESTAMP,
  price_note               VARCHAR             -- why monthly_price is NULL, or a caveat (P3Y)
);

-- Roll-ups, per currency. Rows without a price count their seats under currency NULL.
CREATE TABLE licence_spend_customer_daily (
  snapshot_date            DATE NOT NULL,
  customer_id              VARCHAR NOT NULL,
  owner_email              VARCHAR,
  currency                 VARCHAR,
  products                 BIGINT NOT NULL,
  unassigned               BIGINT NOT NULL,
  inactive                 BIGINT NOT NULL,
  unassigned_monthly_cost  DOUBLE,
  inactive_monthly_cost    DOUBLE,
  reducible_at_renewal     BIGINT NOT NULL,
  reducible_now            BIGINT NOT NULL,
  next_renewal_date        DATE
);

CREATE TABLE licence_spend_owner_daily (
  snapshot_date            DATE NOT NULL,
  owner_email              VARCHAR,
  currency                 VARCHAR,
  customers                BIGINT NOT NULL,
  unassigned               BIGINT NOT NULL,
  inactive                 BIGINT NOT NULL,
  unassigned_monthly_cost  DOUBLE,
  inactive_monthly_cost    DOUBLE,
  reducible_at_renewal     BIGINT NOT NULL,
  reducible_now            BIGINT NOT NULL
);

CREATE TABLE licence_spend_portfolio_daily (
  snapshot_date            DATE NOT NULL,
  currency                 VARCHAR,
  customers                BIGINT NOT NULL,
  unassigned               BIGINT NOT NULL,
  inactive                 BIGINT NOT NULL,
  unassigned_monthly_cost  DOUBLE,
  inactive_monthly_cost    DOUBLE,
  reducible_at_renewal     BIGINT NOT NULL,
  reducible_now            BIGINT NOT NULL
);

-- Migration 004: the weekly digest.
-- Produces: findings (what each customer × product showed in a week), suggestions (every content item suggested,
-- with the figures at the time, so later digests can say whether adoption moved after it), and deliveries (the
-- ledger that makes sending exactly-once: one row per week × recipient).

CREATE TABLE findings (
  week_ending   DATE NOT NULL,
  customer_id   VARCHAR NOT NULL,
  sku_id        VARCHAR NOT NULL,
  finding       VARCHAR NOT NULL,   -- low_deployment | low_usage | weak_workload | high_how_to | declining | renewal_risk | upsell | usage_over_100
  workload      VARCHAR,            -- weak_workload: the weak one
  value         DOUBLE,             -- the figure that triggered it (a fraction, a rate or a count of days)
  threshold     DOUBLE,
  detail        VARCHAR,            -- JSON: the other figures the words need
  PRIMARY KEY (week_ending, customer_id, sku_id, finding)
);

CREATE TABLE suggestions (
  week_ending         DATE NOT NULL,
  customer_id         VARCHAR NOT NULL,
  item_id             VARCHAR NOT NULL,
  finding             VARCHAR NOT NULL,
  sku_id              VARCHAR NOT NULL,
  usage_pct_adjusted  DOUBLE,        -- the customer's figures when suggested
  deployment_pct      DOUBLE,
  PRIMARY KEY (week_ending, customer_id, item_id)
);

CREATE TABLE deliveries (
  week_ending   DATE NOT NULL,
  recipient     VARCHAR NOT NULL,
  state         VARCHAR NOT NULL,   -- sending | sent | failed
  channel       VARCHAR NOT NULL,   -- smtp | outbox
  attempts      INTEGER NOT NULL,
  message_id    VARCHAR,
  location      VARCHAR,            -- the .eml file, when written to an outbox
  error         VARCHAR,
  updated_at    TIMESTAMP NOT NULL,
  PRIMARY KEY (week_ending, recipient)
);

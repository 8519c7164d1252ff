-- licence_spend_daily: what unused seats cost per snapshot date × customer × SKU, and when they can be cut
-- (DESIGN.md §1.7, licence-spend.md §5). One row for every adoption_daily row that has seats of the partner's own.
-- From: adoption_daily (unassigned, inactive, licenses_sold_own), stg_subscriptions + stg_subscription_terms (the
--       partner's own Partner Center subscriptions: term, billing cycle, dates, refundable and scheduled seats),
--       stg_prices (the price list of the date), stg_offer_matrix or else catalog_nce (Graph skuId → NCE ids),
--       stg_spend_settings (the default term and billing plan the date was loaded with).
-- Parameters: $from, $to (snapshot dates, both included).
-- Price row: for an own subscription, the row of its offer's ProductId/SkuId, its term and billing plan (BillingPlan
-- compared case-insensitively with billingCycle), in force on its effectiveStartDate (prices are locked for the term);
-- otherwise (own seats known only from Graph) the default term and plan, in force on the snapshot date. Where rows
-- overlap, the one ending soonest wins (Microsoft's example: a purchase in the overlap belongs to the older row).
-- Several own subscriptions of one SKU: the unused seats are counted against the one renewing soonest, at its price.
-- Trials and subscriptions of other partners or Microsoft direct carry no cost; amounts keep their currency.
INSERT INTO licence_spend_daily
WITH
adoption AS (
  SELECT snapshot_date, customer_id, sku_id, unassigned, inactive, coalesce(licenses_sold_own, 0) AS licenses_sold_own
  FROM adoption_daily
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
),
own_subs AS (
  SELECT s.snapshot_date, s.customer_id, s.sku_id, s.subscription_id, s.units,
    t.product_id, t.nce_sku_id, t.term_duration, t.billing_cycle, t.effective_start_date, t.commitment_end_date,
    t.auto_renew, coalesce(t.refundable_quantity, 0) AS refundable_quantity, t.refundable_until, t.scheduled_quantity
  FROM stg_subscriptions s
  JOIN stg_subscription_terms t USING (snapshot_date, customer_id, subscription_id)
  WHERE s.snapshot_date BETWEEN $from::DATE AND $to::DATE
    AND s.source = 'partner_center' AND s.status = 'active' AND NOT s.is_trial
),
own_totals AS (
  SELECT snapshot_date, customer_id, sku_id,
    sum(units) AS own_seats,
    sum(refundable_quantity) AS reducible_now,
    min(refundable_until) FILTER (WHERE refundable_quantity > 0) AS reducible_now_until
  FROM own_subs GROUP BY ALL
),
soonest AS (
  SELECT * FROM own_subs
  QUALIFY row_number() OVER (
    PARTITION BY snapshot_date, customer_id, sku_id
    ORDER BY commitment_end_date NULLS LAST, subscription_id
  ) = 1
),
mapping AS (
  -- The date's offer matrix when its drop had one, else the catalogue's NCE ids. One pair per Graph SKU: the first.
  SELECT snapshot_date, sku_id, min(product_id || ':' || nce_sku_id) AS nce
  FROM (
    SELECT snapshot_date, sku_id, product_id, nce_sku_id FROM stg_offer_matrix
    WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
    UNION ALL
    SELECT d.snapshot_date, c.sku_id, c.product_id, c.nce_sku_id
    FROM (SELECT DISTINCT snapshot_date FROM adoption) d, catalog_nce c
    WHERE NOT EXISTS (SELECT 1 FROM stg_offer_matrix o WHERE o.snapshot_date = d.snapshot_date)
  )
  GROUP BY ALL
),
base AS (
  SELECT a.snapshot_date, a.customer_id, a.sku_id, a.unassigned, a.inactive,
    CASE WHEN o.customer_id IS NOT NULL THEN 'own_subscription' ELSE 'default_term' END AS price_basis,
    s.subscription_id,
    coalesce(s.product_id, split_part(m.nce, ':', 1)) AS product_id,
    coalesce(s.nce_sku_id, split_part(m.nce, ':', 2)) AS nce_sku_id,
    CASE WHEN o.customer_id IS NOT NULL THEN s.term_duration ELSE st.default_term END AS term_duration,
    -- billingCycle 'annual' is BillingPlan 'Annual' (compared case-insensitively; shown as the price list writes it)
    CASE lower(CASE WHEN o.customer_id IS NOT NULL THEN s.billing_cycle ELSE st.default_billing_plan END)
      WHEN 'annual' THEN 'Annual' WHEN 'monthly' THEN 'Monthly' WHEN 'triennial' THEN 'Triennial'
      ELSE CASE WHEN o.customer_id IS NOT NULL THEN s.billing_cycle ELSE st.default_billing_plan END
    END AS billing_plan,
    CASE WHEN o.customer_id IS NOT NULL THEN coalesce(s.effective_start_date, a.snapshot_date) ELSE a.snapshot_date END
      AS price_date,
    s.commitment_end_date + 1 AS next_renewal_date,
    s.commitment_end_date AS renewal_deadline,
    coalesce(o.own_seats, a.licenses_sold_own) AS own_seats,
    s.units AS soonest_units,
    -- Seats already leaving at renewal: a scheduled lower quantity, or all of them when auto-renew is off.
    CASE
      WHEN s.auto_renew = false THEN s.units
      WHEN s.scheduled_quantity IS NOT NULL THEN greatest(s.units - s.scheduled_quantity, 0)
      ELSE 0
    END AS scheduled_reduction,
    coalesce(o.reducible_now, 0) AS reducible_now,
    o.reducible_now_until
  FROM adoption a
  LEFT JOIN own_totals o USING (snapshot_date, customer_id, sku_id)
  LEFT JOIN soonest s USING (snapshot_date, customer_id, sku_id)
  LEFT JOIN mapping m USING (snapshot_date, sku_id)
  LEFT JOIN stg_spend_settings st USING (snapshot_date)
  WHERE o.customer_id IS NOT NULL OR a.licenses_sold_own > 0
),
candidates AS (
  -- Price rows of the right product, term and plan in force on the price date, and on the renewal date.
  SELECT b.snapshot_date, b.customer_id, b.sku_id, p.currency, p.monthly_price, p.effective_start, p.effective_end,
    p.effective_start <= b.price_date::TIMESTAMP AND p.effective_end >= b.price_date::TIMESTAMP AS at_price_date,
    b.next_renewal_date IS NOT NULL
      AND p.effective_start <= b.next_renewal_date::TIMESTAMP
      AND p.effective_end >= b.next_renewal_date::TIMESTAMP AS at_renewal
  FROM base b
  JOIN stg_prices p
    ON p.snapshot_date = b.snapshot_date AND p.product_id = b.product_id AND p.nce_sku_id = b.nce_sku_id
   AND p.term_duration = upper(b.term_duration) AND lower(p.billing_plan) = lower(b.billing_plan)
),
price AS (
  SELECT snapshot_date, customer_id, sku_id,
    count(DISTINCT currency) AS currencies,
    arg_min(monthly_price, (effective_end, -epoch(effective_start))) AS monthly_price,
    arg_min(currency, (effective_end, -epoch(effective_start))) AS currency
  FROM candidates WHERE at_price_date GROUP BY ALL
),
renewal_price AS (
  SELECT snapshot_date, customer_id, sku_id,
    arg_min(monthly_price, (effective_end, -epoch(effective_start))) AS monthly_price,
    arg_min(currency, (effective_end, -epoch(effective_start))) AS currency
  FROM candidates WHERE at_renewal GROUP BY ALL
),
priced AS (
  SELECT b.*,
    CASE WHEN p.currencies = 1 THEN p.monthly_price END AS monthly_price,
    CASE WHEN p.currencies = 1 THEN p.currency END AS currency,
    CASE WHEN p.currencies = 1 AND r.currency = p.currency THEN r.monthly_price END AS renewal_price,
    CASE
      WHEN b.product_id IS NULL OR b.product_id = '' THEN 'no NCE ProductId/SkuId for this SKU (offer matrix or catalogue)'
      WHEN NOT EXISTS (SELECT 1 FROM stg_prices x WHERE x.snapshot_date = b.snapshot_date) THEN 'no price list in the drop'
      WHEN b.term_duration IS NULL OR b.billing_plan IS NULL THEN 'the subscription has no term or billing cycle'
      WHEN p.currencies > 1 THEN 'price rows in several currencies: set spend.currency'
      WHEN p.sku_id IS NULL THEN 'no price row for ' || b.product_id || ':' || b.nce_sku_id || ' ' || upper(b.term_duration)
        || ' ' || b.billing_plan || ' in force on ' || strftime(b.price_date, '%Y-%m-%d')
      WHEN p.monthly_price IS NULL THEN 'a term of ' || b.term_duration || ' cannot be divided into months'
      WHEN upper(b.term_duration) = 'P3Y' THEN 'P3Y: UnitPrice / 36, not documented by Microsoft'
    END AS price_note
  FROM base b
  LEFT JOIN price p USING (snapshot_date, customer_id, sku_id)
  LEFT JOIN renewal_price r USING (snapshot_date, customer_id, sku_id)
)
SELECT
  snapshot_date, customer_id, sku_id, price_basis, subscription_id,
  nullif(product_id, '') AS product_id, nullif(nce_sku_id, '') AS nce_sku_id,
  upper(term_duration) AS term_duration, billing_plan,
  own_seats, unassigned, inactive,
  least(unassigned, own_seats) AS costed_unassigned,
  -- DuckDB's least() skips NULLs: an inactive count nobody measured (Dynamics 365 from Partner Center, a product
  -- not measurable) must stay NULL, never become the own seats.
  CASE WHEN inactive IS NOT NULL THEN least(inactive, own_seats) END AS costed_inactive,
  monthly_price, currency,
  -- Rounded to 6 decimals so that 7 × 46.80 is 327.6, not 327.59999999999997 (binary floating point).
  round(least(unassigned, own_seats) * monthly_price, 6) AS unassigned_monthly_cost,
  CASE WHEN inactive IS NOT NULL THEN round(least(inactive, own_seats) * monthly_price, 6) END AS inactive_monthly_cost,
  next_renewal_date, renewal_deadline,
  coalesce(renewal_price, monthly_price) AS renewal_monthly_price,
  CASE WHEN price_basis = 'own_subscription' THEN scheduled_reduction END AS scheduled_reduction,
  CASE WHEN price_basis = 'own_subscription' AND next_renewal_date IS NOT NULL
       THEN greatest(least(unassigned, soonest_units) - scheduled_reduction, 0) END AS reducible_at_renewal,
  reducible_now, reducible_now_until,
  price_note
FROM priced

-- report spend: one row per customer × product with seats of the partner's own, at each customer's last snapshot of
-- the week (DESIGN.md §1.7): price, currency, monthly cost of unassigned and inactive seats, renewal, seats reducible.
-- From: licence_spend_daily, adoption_customer_weekly (the week's snapshot, name, owner), through week_spend
-- (queries/macros/week_spend.sql), catalog_products.
-- Parameters: $week (a week-ending date), $owner ('' = customers without an account manager) and $customer (NULL = all).
SELECT
  s.customer_name, s.owner_email, s.customer_id, p.display_name AS product, s.sku_id, s.snapshot_date,
  s.price_basis, s.product_id, s.nce_sku_id, s.term_duration, s.billing_plan, s.own_seats,
  s.costed_unassigned AS unassigned, s.costed_inactive AS inactive,
  s.monthly_price, s.currency, s.unassigned_monthly_cost, s.inactive_monthly_cost,
  s.next_renewal_date, s.renewal_deadline, s.renewal_monthly_price, s.scheduled_reduction, s.reducible_at_renewal,
  s.reducible_now, strftime(s.reducible_now_until, '%Y-%m-%d %H:%M UTC') AS reducible_now_until,
  s.product_id LIKE 'DEMO%' AS demo_price, s.price_note
FROM week_spend($week::DATE, $owner, $customer) s
JOIN catalog_products p ON p.sku_id = s.sku_id
ORDER BY coalesce(s.unassigned_monthly_cost, 0) + coalesce(s.inactive_monthly_cost, 0) DESC, s.customer_name,
  s.customer_id, p.display_name

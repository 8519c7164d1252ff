-- with_names(table_name, period, day, customer_names): one day (or week) of a customer × product table, with the
-- customer's and product's names beside their ids, as an export (queries/exports/) shows it: the date column,
-- customer_id, customer_name, sku_id, product, part_number, then the table's other columns in their order.
-- table_name: the table; period: its date column ('snapshot_date' or 'week_ending'); day: the date to export;
-- customer_names: the table holding the customer's name on that date, by the same column and customer_id
-- (stg_customers for a daily table, adoption_customer_weekly for a weekly one). Grain: the table's.
-- From: the two tables named, catalog_products.
CREATE OR REPLACE TEMP MACRO with_names(table_name, period, day, customer_names) AS TABLE
WITH
names_on AS (
  SELECT COLUMNS([period]) AS on_date, customer_id, customer_name FROM query_table(customer_names)
),
named AS (
  -- r[period]: the row's own date column, whichever the table has
  SELECT r.*, n.customer_name, p.display_name AS product, p.part_number
  FROM query_table(table_name) r
  LEFT JOIN names_on n ON n.on_date = r[period] AND n.customer_id = r.customer_id
  LEFT JOIN catalog_products p ON p.sku_id = r.sku_id
  WHERE r[period] = day
)
SELECT COLUMNS([period]), customer_id, customer_name, sku_id, product, part_number,
  COLUMNS(c -> NOT list_contains([period, 'customer_id', 'customer_name', 'sku_id', 'product', 'part_number'], c))
FROM named;

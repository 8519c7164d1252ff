-- What an export (queries/exports/) shows beside a customer × product table's ids: the customer's name as of the
-- row's date, the product's display name and part number, in the columns after the ids.

-- daily_with_names(daily_table, day): one snapshot date of a daily table (by name), the customer's name at that
-- snapshot (stg_customers). Grain: the table's. From: the table named, stg_customers, catalog_products.
CREATE OR REPLACE TEMP MACRO daily_with_names(daily_table, day) AS TABLE
SELECT d.snapshot_date, d.customer_id, c.customer_name, d.sku_id, p.display_name AS product, p.part_number,
  d.* EXCLUDE (snapshot_date, customer_id, sku_id)
FROM query_table(daily_table) d
LEFT JOIN stg_customers c USING (snapshot_date, customer_id)
LEFT JOIN catalog_products p USING (sku_id)
WHERE d.snapshot_date = day;

-- weekly_with_names(weekly_table, week): one week of a weekly table (by name), the customer's name that week
-- (adoption_customer_weekly). Grain: the table's. From: the table named, adoption_customer_weekly, catalog_products.
CREATE OR REPLACE TEMP MACRO weekly_with_names(weekly_table, week) AS TABLE
SELECT w.week_ending, w.customer_id, c.customer_name, w.sku_id, p.display_name AS product, p.part_number,
  w.* EXCLUDE (week_ending, customer_id, sku_id)
FROM query_table(weekly_table) w
LEFT JOIN adoption_customer_weekly c USING (week_ending, customer_id)
LEFT JOIN catalog_products p USING (sku_id)
WHERE w.week_ending = week;

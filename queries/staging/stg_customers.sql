-- stg_customers: one row per snapshot date × customer (customer_id, the tenant GUID), from the partner's customers.csv
-- (DESIGN.md §2) as csvRead.ts read it into tmp_customers; owner_email through the one address rule (tmp_owner_check,
-- src/ingest/values.ts) and locales matched to a supported language (tmp_locales), both filled by the customers source.
-- Without a readable customers.csv, the last earlier list is carried forward (carried_forward = true).
-- Parameters: $date (the snapshot date), $locale (the default locale), $previous (the date carried forward from).

-- name: clear
DELETE FROM stg_customers WHERE snapshot_date = $date::DATE;

-- name: owner_emails
SELECT DISTINCT owner_email AS raw FROM tmp_customers WHERE owner_email IS NOT NULL;

-- name: create_owner_check
CREATE OR REPLACE TEMP TABLE tmp_owner_check (raw VARCHAR, address VARCHAR, reason VARCHAR);

-- name: bad_owner_emails
SELECT t.customer_id::VARCHAR AS customer_id, t.owner_email, o.reason FROM tmp_customers t
JOIN tmp_owner_check o ON o.raw = t.owner_email
WHERE o.reason IS NOT NULL;

-- name: locales
-- One row per locale as written (en-GB, zh-Hans-CN), with how many customers give it.
SELECT trim(locale) AS locale, count(*)::INTEGER AS n FROM tmp_customers
WHERE locale IS NOT NULL AND trim(locale) <> '' GROUP BY 1 ORDER BY 1;

-- name: create_locales
CREATE OR REPLACE TEMP TABLE tmp_locales (raw VARCHAR, locale VARCHAR);

-- name: duplicates
SELECT customer_id::VARCHAR AS customer_id, count(*)::INTEGER AS n FROM tmp_customers GROUP BY 1 HAVING count(*) > 1;

-- name: from_csv
-- A customer listed twice: its first row is used.
INSERT INTO stg_customers
SELECT $date::DATE, customer_id::VARCHAR, coalesce(nullif(trim(customer_name), ''), customer_id::VARCHAR),
  (SELECT o.address FROM tmp_owner_check o WHERE o.raw = c.owner_email),
  coalesce(l.locale, $locale),
  nullif(trim(segment), ''), false
FROM tmp_customers c LEFT JOIN tmp_locales l ON l.raw = trim(c.locale)
WHERE customer_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY filename) = 1;

-- name: drop_temp
DROP TABLE IF EXISTS tmp_customers;
DROP TABLE IF EXISTS tmp_locales;
DROP TABLE IF EXISTS tmp_owner_check;

-- name: previous_date
SELECT max(snapshot_date) AS previous FROM stg_customers WHERE snapshot_date < $date::DATE;

-- name: carry_forward
INSERT INTO stg_customers SELECT $date::DATE, customer_id, customer_name, owner_email, locale, segment, true
FROM stg_customers WHERE snapshot_date = $previous::DATE;

-- name: customer_ids
SELECT customer_id FROM stg_customers WHERE snapshot_date = $date::DATE;

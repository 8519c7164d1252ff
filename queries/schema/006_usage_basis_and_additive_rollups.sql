-- Migration 006: usage measured per customer × product, and roll-ups that add up (DESIGN.md §1.3, §1.5).
-- Produces:
--  * usage columns that may be NULL: a product no source measures has no usage figure at all (never 0), and a
--    product whose usage comes from Partner Center's aggregates has no user-level counts;
--  * adoption_daily.active_adjusted, the adjusted active count (least(active non-deleted holders, entitlements))
--    stored once, so that every roll-up sums it instead of rebuilding it from a rounded ratio;
--  * on every roll-up (customer, account manager; daily and weekly) the denominators of its ratios:
--    usage_entitlements (entitlements of the products whose usage is measured: the Usage % denominator),
--    adjusted_entitlements and active_adjusted (the adjusted figure's denominator and numerator).
-- Existing rows get the values their stored ratios imply; `adoption backfill --reprocess all` recomputes them exactly.

ALTER TABLE adoption_daily ALTER COLUMN active_entitlements DROP NOT NULL;
ALTER TABLE adoption_daily ADD COLUMN active_adjusted BIGINT;
UPDATE adoption_daily SET active_adjusted = round(usage_pct_adjusted * entitlements)::BIGINT
WHERE usage_pct_adjusted IS NOT NULL;
UPDATE adoption_daily SET active_entitlements = NULL, usage_pct = NULL, inactive = NULL
WHERE usage_basis = 'not_measurable';

ALTER TABLE adoption_customer_daily ALTER COLUMN active_entitlements DROP NOT NULL;
ALTER TABLE adoption_customer_daily ADD COLUMN usage_entitlements BIGINT;
ALTER TABLE adoption_customer_daily ADD COLUMN adjusted_entitlements BIGINT;
ALTER TABLE adoption_customer_daily ADD COLUMN active_adjusted BIGINT;

ALTER TABLE adoption_portfolio_daily ALTER COLUMN active_entitlements DROP NOT NULL;
ALTER TABLE adoption_portfolio_daily ADD COLUMN usage_entitlements BIGINT;
ALTER TABLE adoption_portfolio_daily ADD COLUMN adjusted_entitlements BIGINT;
ALTER TABLE adoption_portfolio_daily ADD COLUMN active_adjusted BIGINT;

ALTER TABLE adoption_weekly ADD COLUMN active_adjusted BIGINT;

ALTER TABLE adoption_customer_weekly ADD COLUMN usage_entitlements BIGINT;
ALTER TABLE adoption_customer_weekly ADD COLUMN adjusted_entitlements BIGINT;
ALTER TABLE adoption_customer_weekly ADD COLUMN active_adjusted BIGINT;

ALTER TABLE adoption_portfolio_weekly ADD COLUMN usage_entitlements BIGINT;
ALTER TABLE adoption_portfolio_weekly ADD COLUMN adjusted_entitlements BIGINT;
ALTER TABLE adoption_portfolio_weekly ADD COLUMN active_adjusted BIGINT;

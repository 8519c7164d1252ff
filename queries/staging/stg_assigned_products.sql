-- stg_assigned_products: one row per snapshot date × 'Assigned Products' list as Graph writes it × product name in it
-- × candidate SKU (priority 0 = most likely; sku_id NULL for a name the catalogue does not know). The names are
-- resolved in src/ingest/assignedProducts.ts from the distinct lists of stg_user_activity, and appended.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_assigned_products WHERE snapshot_date = $date::DATE;

-- name: distinct_lists
-- Each list once, with how many users hold it.
SELECT assigned_products AS list, count(*)::INTEGER AS n FROM stg_user_activity WHERE snapshot_date = $date::DATE
GROUP BY 1;

-- report trend: 12 weeks up to $week, one series per account manager (portfolio) or for one customer.
-- From: adoption_portfolio_weekly or adoption_customer_weekly. Parameters: $week, $owner and $customer (NULL = all).
-- With $customer set, the customer's own weeks; otherwise one series per account manager in scope.
SELECT week_ending, coalesce(nullif(owner_email, ''), '(no account manager)') AS series, has_data, licenses_sold,
  licenses_assigned, deployment_pct, usage_pct, usage_pct_adjusted, unassigned, inactive
FROM adoption_portfolio_weekly
WHERE $customer::VARCHAR IS NULL AND week_ending BETWEEN $week::DATE - 77 AND $week::DATE
  AND in_scope(owner_email, NULL, $owner, NULL)
UNION ALL
SELECT week_ending, customer_name, has_data, licenses_sold, licenses_assigned, deployment_pct, usage_pct,
  usage_pct_adjusted, unassigned, inactive
FROM adoption_customer_weekly
WHERE $customer::VARCHAR IS NOT NULL AND customer_id = $customer AND week_ending BETWEEN $week::DATE - 77 AND $week::DATE
ORDER BY series, week_ending

-- report attention: the customers of a week below the low-usage or low-deployment threshold, most unused licences
-- (unassigned + inactive) first. From: adoption_customer_weekly.
-- Parameters: $week, $owner and $customer (NULL = all), $low_usage, $low_deployment (fractions), $limit.
SELECT customer_name, customer_id, owner_email, unused, unassigned, inactive, deployment_pct, usage_pct, usage_pct_adjusted,
  usage_pct_adjusted_change, low_usage_streak, rank_in_book
FROM adoption_customer_weekly
WHERE week_ending = $week::DATE AND has_data
  AND in_scope(owner_email, customer_id, $owner, $customer)
  AND (coalesce(usage_pct_adjusted, usage_pct) < $low_usage OR deployment_pct < $low_deployment)
ORDER BY unused DESC, customer_name
LIMIT $limit

-- The suggestions already made to one account manager's customers: this week's (a re-run shows the same ones),
-- those within the cool-down (not suggested again) and the last 12 weeks' (the digest's follow-ups). One query per
-- digest rather than three per customer. Grain: week × customer × content item.
-- From: suggestions, adoption_customer_weekly (the customers in the account manager's book this week).
-- Parameters: $week (a week-ending date), $owner ('' = customers with no account manager), $days (how far back:
-- the longer of the cool-down and the 84 days of follow-ups).
SELECT s.week_ending, s.customer_id, s.item_id, ($week::DATE - s.week_ending)::INTEGER AS days_ago,
  (($week::DATE - s.week_ending) // 7)::INTEGER AS weeks_ago, s.usage_pct_adjusted
FROM suggestions s
SEMI JOIN adoption_customer_weekly c
  ON c.customer_id = s.customer_id AND c.week_ending = $week::DATE AND owned_by(c.owner_email, $owner)
WHERE s.week_ending <= $week::DATE AND s.week_ending >= $week::DATE - $days::INTEGER
ORDER BY s.week_ending DESC, s.customer_id, s.item_id

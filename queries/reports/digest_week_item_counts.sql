-- How many customers each content item has been suggested to in one week, across every account manager: the week's
-- plan so far (a digest re-run, or one account manager's digest sent alone, adds to it without passing the cap).
-- Grain: content item. From: suggestions. Parameters: $week (a week-ending date).
SELECT item_id, count(DISTINCT customer_id)::INTEGER AS customers
FROM suggestions
WHERE week_ending = $week::DATE
GROUP BY item_id
ORDER BY item_id

-- The recipients of a week's digests: each account manager with at least one customer that has data in the week,
-- and how many such customers they have ('' = customers without an account manager: the digest goes to
-- digest.fallbackRecipient). Each recipient's locale, name and time zone come from config (src/digest/recipients.ts).
-- Grain: account manager. From: adoption_customer_weekly.
-- Parameters: $week (a week-ending date), $owner (lower case; NULL = every account manager).
SELECT coalesce(owner_email, '') AS owner, count(*)::INTEGER AS customers
FROM adoption_customer_weekly
WHERE week_ending = $week::DATE AND has_data AND in_scope(owner_email, customer_id, $owner, NULL)
GROUP BY 1
ORDER BY 1

-- Clears a week's findings before queries/findings/findings.sql computes them again, so that a digest run (or a
-- re-run after a late drop) always works from findings of the week's current data.
-- Grain: the findings table's rows of one week. Parameters: $week (a week-ending date).
DELETE FROM findings WHERE week_ending = $week::DATE

-- status and the scheduler: when each job's latest scheduled run was due, to find the due times since then that no
-- scheduler ran. One row per job that has a scheduled run. From: runs.
-- due is TIMESTAMP text in UTC ('YYYY-MM-DD HH:MM:SS'). No parameters.
SELECT job, strftime(max(due_at), '%Y-%m-%d %H:%M:%S') AS due
FROM runs
WHERE trigger = 'schedule' AND due_at IS NOT NULL
GROUP BY job

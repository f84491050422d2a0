-- The job queue's incident-resume queue (lib/jobs/definitions.ts): a queue is a partition of
-- pgboss.job, created here by the owner role because the server's role runs no DDL.
SELECT pgboss.create_queue('incident-resume', '{"policy":"short","retryLimit":2,"retryDelay":60,"retryBackoff":true,"expireInSeconds":3600}'::json);

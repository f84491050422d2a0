-- The job queue's redeploy-follow queue (lib/jobs/definitions.ts): a queue is a partition of
-- pgboss.job, created here by the owner role because the server's role runs no DDL.
SELECT pgboss.create_queue('redeploy-follow', '{"policy":"short","retryLimit":3,"retryDelay":30,"retryBackoff":true,"expireInSeconds":300}'::json);

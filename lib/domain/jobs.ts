// Settings → Jobs: what the job queue (pg-boss, schema pgboss) did and will do, per queue, and the
// jobs that failed after their retries (the dead letters), each of which an admin may retry.
// Read with SQL from the queue's own tables, so every instance shows the same.
import 'server-only';
import cronParser from 'cron-parser';
import { authorize } from '@/lib/auth/authorize';
import { getDb } from '@/lib/db';
import { AppError, fail, ok, type ActionResult } from '@/lib/errors';
import { QUEUE_NAMES, QUEUES, type QueueName } from '@/lib/jobs/definitions';
import { retryJobSchema } from '@/lib/validations/jobs';
import type { RequestContext } from './context';
import { runMutation } from './mutation';
import { configuredVendor } from './platformsh-connection';
import { vendorCopy } from '@/lib/vendor';

export const FAILED_JOBS_PAGE_SIZE = 20;
/** A failure's message is shown up to this length (pg-boss keeps the error; never its stack here). */
const MESSAGE_MAX = 500;

export interface QueueView {
  name: QueueName;
  title: string;
  description: string;
  /** The cron schedule (UTC), or null when the queue only runs on demand. */
  cron: string | null;
  nextRunAt: string | null;
  lastRun: { state: 'completed' | 'failed'; finishedAt: string } | null;
  waiting: number;
  active: number;
  failed: number;
  retryLimit: number;
}

export interface FailedJobView {
  id: string;
  queue: QueueName;
  queueTitle: string;
  failedAt: string | null;
  attempts: number;
  message: string;
}

export interface JobsOverview {
  queues: QueueView[];
  failedJobs: FailedJobView[];
  total: number;
  page: number;
  pageSize: number;
  canRetry: boolean;
}

function nextRun(cron: string | null, now: Date): string | null {
  if (!cron) return null;
  try {
    return cronParser.parseExpression(cron, { tz: 'UTC', currentDate: now }).next().toDate().toISOString();
  } catch {
    return null;
  }
}

export async function getJobsOverview(context: RequestContext, options: { page?: number } = {}, now = new Date()): Promise<ActionResult<JobsOverview>> {
  if (!authorize(context.actor, 'jobs.read').allowed) return fail('forbidden', 'You do not have permission to see the background jobs.');
  const db = getDb();
  const names = [...QUEUE_NAMES];
  const page = Math.max(1, options.page ?? 1);

  const [counts, lastRuns, failedRows, failedTotal] = await Promise.all([
    db.$queryRaw<{ name: string; cron: string | null; waiting: number; active: number; failed: number; retry_limit: number | null }[]>`
      SELECT q.name, s.cron, q.retry_limit,
             (SELECT count(*) FROM pgboss.job j WHERE j.name = q.name AND j.state IN ('created', 'retry'))::int AS waiting,
             (SELECT count(*) FROM pgboss.job j WHERE j.name = q.name AND j.state = 'active')::int AS active,
             (SELECT count(*) FROM pgboss.job j WHERE j.name = q.name AND j.state = 'failed')::int AS failed
      FROM pgboss.queue q LEFT JOIN pgboss.schedule s ON s.name = q.name
      WHERE q.name = ANY(${names}::text[])`,
    db.$queryRaw<{ name: string; state: 'completed' | 'failed'; completed_on: Date }[]>`
      SELECT DISTINCT ON (name) name, state::text AS state, completed_on FROM (
        SELECT name, state, completed_on FROM pgboss.job WHERE name = ANY(${names}::text[]) AND state IN ('completed', 'failed')
        UNION ALL
        SELECT name, state, completed_on FROM pgboss.archive WHERE name = ANY(${names}::text[]) AND state IN ('completed', 'failed')
      ) finished
      WHERE completed_on IS NOT NULL
      ORDER BY name, completed_on DESC`,
    db.$queryRaw<{ id: string; name: string; completed_on: Date | null; retry_count: number; message: string | null }[]>`
      SELECT id::text, name, completed_on, retry_count,
             left(COALESCE(output->>'message', output->'value'->>'message'), ${MESSAGE_MAX}) AS message
      FROM pgboss.job WHERE name = ANY(${names}::text[]) AND state = 'failed'
      ORDER BY completed_on DESC NULLS LAST, id
      LIMIT ${FAILED_JOBS_PAGE_SIZE} OFFSET ${(page - 1) * FAILED_JOBS_PAGE_SIZE}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM pgboss.job WHERE name = ANY(${names}::text[]) AND state = 'failed'`,
  ]);

  const vendor = configuredVendor();
  const queues = names.map((name): QueueView => {
    const row = counts.find((count) => count.name === name);
    const last = lastRuns.find((run) => run.name === name);
    const cron = row?.cron ?? null;
    return {
      name,
      title: QUEUES[name].title,
      description: vendorCopy(QUEUES[name].description, vendor),
      cron,
      nextRunAt: nextRun(cron, now),
      lastRun: last ? { state: last.state, finishedAt: last.completed_on.toISOString() } : null,
      waiting: row?.waiting ?? 0,
      active: row?.active ?? 0,
      failed: row?.failed ?? 0,
      retryLimit: row?.retry_limit ?? QUEUES[name].retryLimit,
    };
  });
  const failedJobs = failedRows.map((row): FailedJobView => {
    const queue = row.name as QueueName;
    return {
      id: row.id,
      queue,
      queueTitle: QUEUES[queue].title,
      failedAt: row.completed_on?.toISOString() ?? null,
      attempts: row.retry_count + 1,
      message: row.message ?? 'The job failed without a message.',
    };
  });
  return ok({
    queues,
    failedJobs,
    total: failedTotal[0]?.total ?? 0,
    page,
    pageSize: FAILED_JOBS_PAGE_SIZE,
    canRetry: authorize(context.actor, 'jobs.retry').allowed,
  });
}

/**
 * Puts a failed job back in its queue for one more attempt (pg-boss's own `retry`: state `retry`,
 * one more attempt allowed), in the mutation's transaction with its audit row. Whichever instance
 * polls first runs it.
 */
export function retryFailedJob(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ jobId: string }>> {
  return runMutation(
    context,
    {
      action: 'jobs.retry',
      schema: retryJobSchema,
      target: (input) => ({ type: 'job', id: input.jobId, name: QUEUES[input.queue].title }),
      run: async (tx, input) => {
        const retried = await tx.$executeRaw`
          UPDATE pgboss.job SET state = 'retry', retry_limit = retry_limit + 1
          WHERE name = ${input.queue} AND id = ${input.jobId}::uuid AND state = 'failed'`;
        if (retried !== 1) throw new AppError('not_found', 'This job is no longer failed: it was retried already, or removed after a week.');
        return { data: { jobId: input.jobId }, details: { queue: input.queue } };
      },
    },
    rawInput,
  );
}

// The job queue: pg-boss over the app's database. Why pg-boss rather than graphile-worker: pg-boss
// takes any `executeSql(text, values)` as its connection, so it runs on the embedded PGlite (one
// in-process connection shared with Prisma) as on PostgreSQL, while graphile-worker needs a
// node-postgres pool with LISTEN/NOTIFY; pg-boss also brings what the issue asks without code of
// ours: cron schedules that fire once per tick across instances, retries with exponential backoff,
// per-key singleton policies, expiry of jobs whose instance died, and failed jobs kept for a retry.
// 10.x is the newest line that supports Node 20 (package.json's engines).
import PgBoss from 'pg-boss';
import type { DatabaseHandle } from '@/lib/db';
import { pgliteExecutor } from '@/lib/db/job-queue';
import { logger } from '@/lib/logger';
import { QUEUES, type QueueName } from './definitions';

export interface QueueJob<T = unknown> {
  id: string;
  data: T;
  /** 0 on the first attempt. */
  retryCount: number;
}

export type JobHandler = (job: QueueJob) => Promise<unknown>;

export interface JobQueueOptions {
  database: DatabaseHandle;
  /** PostgreSQL: the URL pg-boss's own small pool connects to (DATABASE_URL). */
  connectionString?: string;
  /** The queues this instance works, with their handlers. A queue without one is only enqueued to. */
  handlers: Partial<Record<QueueName, JobHandler>>;
  /** Cron schedules by queue (UTC); a queue absent here has its schedule removed. */
  schedules?: Partial<Record<QueueName, { cron: string; data?: object }>>;
  /** How often an idle worker looks for a job (default 2 s). */
  pollingIntervalSeconds?: number;
  /** How often an instance checks whether a cron tick is due (default 30 s; once per tick across instances). */
  cronMonitorIntervalSeconds?: number;
  /** Per-queue option overrides (tests: seconds instead of minutes of backoff). */
  queueOverrides?: Partial<Record<QueueName, { retryLimit?: number; retryDelaySeconds?: number }>>;
}

export interface JobQueue {
  boss: PgBoss;
  /** Stops working: waits for running jobs up to `timeoutMs` (default 10 s), then fails them (to be retried). */
  stop(timeoutMs?: number): Promise<void>;
}

/** Opens pg-boss over the database, applies the queues' options and schedules, and starts working. */
export async function startJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const { database } = options;
  const connection =
    database.kind === 'pglite' && database.pglite
      ? { db: pgliteExecutor(database.pglite) }
      : { connectionString: options.connectionString, max: 4, application_name: 'keywarden-jobs' };
  // pg-boss checks `'option' in config`: an option left undefined must be absent, not undefined.
  const intervals = Object.fromEntries(
    Object.entries({
      pollingIntervalSeconds: options.pollingIntervalSeconds,
      cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds,
      // How often the instance that noticed a tick turns it into the queue's job.
      cronWorkerIntervalSeconds: options.cronMonitorIntervalSeconds,
    }).filter(([, value]) => value !== undefined),
  );
  const boss = new PgBoss({
    ...connection,
    ...intervals,
    // The schema comes from a migration (lib/db/migrate.ts); the server's role may not run DDL.
    migrate: false,
    schedule: true,
    supervise: true,
    // Failed jobs stay in the queue's table (the Jobs page lists and retries them) for a week.
    archiveFailedAfterSeconds: 7 * 24 * 3600,
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error: Error) => {
    // A stately queue's waiting job (a sync tick while a sync runs) cannot become active while the
    // other is: pg-boss's fetch then hits the policy's unique index and tries again at the next
    // poll. That is the one-at-a-time rule working, not a fault.
    if (/duplicate key value violates unique constraint "\w*i3"/.test(error.message)) logger.debug('job waits for the running one of its key', { message: error.message });
    else logger.error('job queue error', { error });
  });
  await boss.start();

  for (const name of Object.keys(QUEUES) as QueueName[]) {
    const definition = QUEUES[name];
    const override = options.queueOverrides?.[name];
    await boss.updateQueue(name, {
      name,
      policy: definition.policy,
      retryLimit: override?.retryLimit ?? definition.retryLimit,
      retryDelay: override?.retryDelaySeconds ?? definition.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: definition.expireInSeconds,
    });
    const schedule = options.schedules?.[name];
    if (schedule) await boss.schedule(name, schedule.cron, schedule.data ?? {}, { tz: 'UTC' });
    else await boss.unschedule(name);
  }

  for (const [name, handler] of Object.entries(options.handlers) as [QueueName, JobHandler][]) {
    await boss.work<object>(name, { batchSize: 1, includeMetadata: true, ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}) }, async ([job]) => {
      if (!job) return;
      try {
        return await handler({ id: job.id, data: job.data, retryCount: job.retryCount });
      } catch (error) {
        // pg-boss records the failure (and retries); the log says which job.
        logger.warn('background job failed', { queue: name, jobId: job.id, attempt: job.retryCount + 1, error });
        throw error;
      }
    });
  }

  return {
    boss,
    stop: (timeoutMs = 10_000) => boss.stop({ graceful: true, wait: true, timeout: timeoutMs }),
  };
}

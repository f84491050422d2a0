// The job queue: pg-boss over the app's database. Why pg-boss rather than graphile-worker: pg-boss
// takes any `executeSql(text, values)` as its connection, so it runs on the embedded PGlite (one
// in-process connection shared with Prisma) as on PostgreSQL, while graphile-worker needs a
// node-postgres pool with LISTEN/NOTIFY; pg-boss also brings what the issue asks without code of
// ours: cron schedules that fire once per tick across instances, retries with exponential backoff,
// per-key singleton policies, expiry of jobs whose instance died, and failed jobs kept for a retry.
// 10.x is the newest line that supports Node 20 (package.json's engines).
import PgBoss from 'pg-boss';
import type { DatabaseHandle } from '@/lib/db';
import { pgliteExecutor, QUEUE_SCHEMA } from '@/lib/db/job-queue';
import { logger } from '@/lib/logger';
import { MAINTENANCE_INTERVAL_SECONDS, QUEUES, queueDefinition, type QueueName } from './definitions';

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
  /** How often expired jobs are failed for a retry (default MAINTENANCE_INTERVAL_SECONDS; once per interval across instances). */
  maintenanceIntervalSeconds?: number;
  /** Per-queue option overrides (tests: seconds instead of minutes of backoff, a lease of seconds). */
  queueOverrides?: Partial<Record<QueueName, { retryLimit?: number; retryDelaySeconds?: number; expireInSeconds?: number; renewEverySeconds?: number }>>;
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
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? MAINTENANCE_INTERVAL_SECONDS,
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
      expireInSeconds: override?.expireInSeconds ?? definition.expireInSeconds,
    });
    const schedule = options.schedules?.[name];
    if (schedule) await boss.schedule(name, schedule.cron, schedule.data ?? {}, { tz: 'UTC' });
    else await boss.unschedule(name);
  }

  const leased: LeasedWorker[] = [];
  for (const [name, handler] of Object.entries(options.handlers) as [QueueName, JobHandler][]) {
    const { lease, expireInSeconds } = queueDefinition(name);
    const override = options.queueOverrides?.[name];
    if (lease) {
      leased.push(
        workLeased(boss, name, handler, {
          leaseSeconds: override?.expireInSeconds ?? expireInSeconds,
          renewEverySeconds: override?.renewEverySeconds ?? lease.renewEverySeconds,
          maxRunSeconds: lease.maxRunSeconds,
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
        }),
      );
      continue;
    }
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
    stop: async (timeoutMs = 10_000) => {
      const started = Date.now();
      // The leased workers first: each waits for its job up to the timeout, then fails it (retried elsewhere).
      await Promise.all(leased.map((worker) => worker.stop(timeoutMs)));
      await boss.stop({ graceful: true, wait: true, timeout: Math.max(1000, timeoutMs - (Date.now() - started)) });
    },
  };
}

/** pg-boss's own default (2 s). */
const DEFAULT_POLLING_INTERVAL_SECONDS = 2;

interface LeasedWorker {
  stop(timeoutMs: number): Promise<void>;
}

// Moves a running job's expiry to `lease` seconds from now, while it has run less than `max`
// seconds. pg-boss's maintenance fails a job once `started_on + expire_in` has passed (plans.js,
// failJobsByTimeout), so this is the whole lease.
const RENEW_LEASE_SQL = `
  UPDATE ${QUEUE_SCHEMA}.job
     SET expire_in = (now() - started_on) + make_interval(secs => $3::double precision)
   WHERE name = $1 AND id = $2::uuid AND state = 'active'
     AND now() - started_on < make_interval(secs => $4::double precision)`;

/**
 * A worker for a queue whose jobs hold a lease (QueueDefinition.lease). pg-boss 10's `work()` races
 * each handler against the job's expiry in the process and fails it when that passes, so a lease
 * shorter than a run cannot go through it: this loop fetches, renews the lease while the handler
 * runs, and completes or fails the job itself. pg-boss 10 has no heartbeat or "touch" of its own.
 */
function workLeased(
  boss: PgBoss,
  name: QueueName,
  handler: JobHandler,
  options: { leaseSeconds: number; renewEverySeconds: number; maxRunSeconds: number; pollingIntervalSeconds: number },
): LeasedWorker {
  let stopping = false;
  let wake: (() => void) | undefined;
  let running: { id: string; abandoned: boolean } | undefined;
  const renew = (id: string) =>
    boss
      .getDb()
      .executeSql(RENEW_LEASE_SQL, [name, id, options.leaseSeconds, options.maxRunSeconds])
      // A missed renewal is made up by the next; the lease outlasts two of them.
      .catch((error: unknown) => logger.warn('a running job’s lease could not be renewed', { queue: name, jobId: id, error }));

  const runOne = async (job: PgBoss.JobWithMetadata<object>): Promise<void> => {
    const current = { id: job.id, abandoned: false };
    running = current;
    await renew(job.id);
    const timer = setInterval(() => void renew(job.id), options.renewEverySeconds * 1000);
    try {
      const output = await handler({ id: job.id, data: job.data, retryCount: job.retryCount });
      // A job given up at stop is no longer this worker's: its retry may be running elsewhere, under the same id.
      // pg-boss keeps an object as the job's output, and anything else under `value` (as its work() does).
      const kept = output === undefined || output === null ? undefined : typeof output === 'object' ? output : { value: output };
      if (!current.abandoned) await boss.complete(name, job.id, kept);
    } catch (error) {
      logger.warn('background job failed', { queue: name, jobId: job.id, attempt: job.retryCount + 1, error });
      if (!current.abandoned) await boss.fail(name, job.id, error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) });
    } finally {
      clearInterval(timer);
      if (running === current) running = undefined;
    }
  };

  const loop = (async () => {
    while (!stopping) {
      let job: PgBoss.JobWithMetadata<object> | undefined;
      try {
        [job] = await boss.fetch<object>(name, { batchSize: 1, includeMetadata: true });
      } catch (error) {
        logger.error('job queue error', { queue: name, error });
      }
      if (job && stopping) {
        // Fetched as this instance stops: back to the queue at once.
        await boss.fail(name, job.id, { message: 'Keywarden stopped before this job ran' }).catch(() => undefined);
        break;
      }
      if (job) {
        await runOne(job).catch((error: unknown) => logger.error('job queue error', { queue: name, error }));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollingIntervalSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    async stop(timeoutMs) {
      stopping = true;
      wake?.();
      const finished = await Promise.race([loop.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
      const current = running;
      if (finished || !current) return;
      // Its handler goes on until the process exits; the job goes back to the queue now.
      current.abandoned = true;
      await boss.fail(name, current.id, { message: 'Keywarden stopped while this job ran' });
    },
  };
}

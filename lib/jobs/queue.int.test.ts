// The job queue (pg-boss) on PGlite and PostgreSQL, as the app runs it: its schema from the
// migrations, its statements serialised with Prisma's transactions on the one PGlite connection,
// a cron tick that fires once with two instances working the same database, a failing job retried
// with backoff and then listed as failed on Settings → Jobs, "Retry" from that page, and "Sync
// now" executed end to end by the queue, twice asked and run once.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getJobsOverview, retryFailedJob } from '@/lib/domain/jobs';
import { requestInventorySync, type SyncJobData } from '@/lib/domain/inventory/requests';
import { runSyncJob } from '@/lib/domain/inventory/sync-job';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { simulatorClient } from '@/lib/testing/inventory';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { QUEUE_NAMES, SYNC_SINGLETON_KEY } from './definitions';
import { startJobQueue, type JobQueue, type JobQueueOptions } from './queue';
import { sleep, until } from '@/lib/testing/until';

const require = createRequire(import.meta.url);
const PG_BOSS_SCHEMA_VERSION = (require('pg-boss/version.json') as { schema: number }).schema;


let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo' });
});

afterAll(async () => {
  await sim?.stop();
});

describe.each(TEST_DATABASE_KINDS)('job queue on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  const started: JobQueue[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((queue) => queue.stop()));
    await database.db.$executeRawUnsafe('DELETE FROM pgboss.job');
    await database.db.$executeRawUnsafe('DELETE FROM pgboss.schedule');
  });

  async function start(options: Partial<JobQueueOptions> = {}): Promise<JobQueue> {
    const queue = await startJobQueue({
      database,
      connectionString: database.migrationTarget.kind === 'postgresql' ? database.migrationTarget.url : undefined,
      handlers: {},
      pollingIntervalSeconds: 0.5,
      ...options,
    });
    started.push(queue);
    return queue;
  }

  const jobState = async (queue: JobQueue, name: (typeof QUEUE_NAMES)[number], id: string) => (await queue.boss.getJobById(name, id))?.state;

  it('finds its schema at pg-boss’s version, created by the migrations, with every queue Keywarden defines', async () => {
    const queue = await start();
    expect(await queue.boss.schemaVersion()).toBe(PG_BOSS_SCHEMA_VERSION);
    const names = (await queue.boss.getQueues()).map((row) => row.name);
    expect(names).toEqual(expect.arrayContaining([...QUEUE_NAMES, '__pgboss__send-it']));
  });

  // PGlite only: there the queue and Prisma share the one connection, so their statements could
  // interleave; on PostgreSQL each has connections of its own and the question does not arise.
  if (kind === 'pglite') {
    it('never runs a queue statement inside an open Prisma transaction, nor one of Prisma’s inside a queue script', async () => {
      const queue = await start();
      const db = database.db;
      const prefix = `rolled-back-${randomBytes(4).toString('hex')}`;

      // One transaction held open: the queue's send waits for it, and survives its rollback.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inside = false;
      const transaction = db
        .$transaction(
          async (tx) => {
            await tx.user.create({ data: { email: `${prefix}-held@example.com`, role: 'reviewer' } });
            inside = true;
            await held;
            throw new Error('roll back');
          },
          { timeout: 20_000 },
        )
        .catch(() => 'rolled back');
      await until(() => inside, 'the transaction to begin');
      let sentYet = false;
      const sending = queue.boss.send('findings-recompute', { attempt: 'held' }, { singletonKey: 'held' }).finally(() => (sentYet = true));
      await sleep(300);
      expect(sentYet).toBe(false);
      release();
      expect(await transaction).toBe('rolled back');
      const heldJob = await sending;
      expect(heldJob).toBeTruthy();

      // Many at once: transactions that roll back, sends, and pg-boss's own BEGIN … COMMIT scripts.
      const rounds = Array.from({ length: 20 }, (_, index) => index);
      const outcomes = await Promise.all([
        ...rounds.map((index) =>
          db
            .$transaction(async (tx) => {
              await tx.user.create({ data: { email: `${prefix}-${index}@example.com`, role: 'reviewer' } });
              await sleep(5);
              await tx.user.create({ data: { email: `${prefix}-${index}-b@example.com`, role: 'reviewer' } });
              throw new Error('roll back');
            })
            .catch(() => 'rolled back'),
        ),
        ...rounds.map((index) => queue.boss.send('findings-recompute', { attempt: index }, { singletonKey: `round-${index}` })),
        ...rounds.slice(0, 5).map(() => queue.boss.maintain().then(() => 'maintained')),
      ]);
      expect(outcomes.filter((outcome) => outcome === 'rolled back')).toHaveLength(20);
      expect(outcomes.filter((outcome) => typeof outcome === 'string' && /^[0-9a-f-]{36}$/.test(outcome))).toHaveLength(20);
      expect(await db.user.count({ where: { email: { startsWith: prefix } } })).toBe(0);
      const jobs = await db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM pgboss.job WHERE name = 'findings-recompute' AND singleton_key LIKE 'round-%'`;
      expect(jobs[0]?.count).toBe(20);
      // The connection is left outside any transaction: a write after it all commits and stays.
      await db.user.create({ data: { email: `${prefix}-after@example.com`, role: 'reviewer' } });
      await database.pglite!.exec('ROLLBACK');
      expect(await db.user.count({ where: { email: { startsWith: prefix } } })).toBe(1);
    });
  }

  it('runs a scheduled job once per tick with two instances working the same database', async () => {
    const runs: { instance: string; at: number }[] = [];
    const handler = (instance: string) => async () => {
      runs.push({ instance, at: Date.now() });
    };
    // Both instances check every second whether the tick is due, and both work the queue.
    const schedules = { 'findings-recompute': { cron: '* * * * *' } } as const;
    await Promise.all([
      start({ handlers: { 'findings-recompute': handler('a') }, schedules, cronMonitorIntervalSeconds: 1 }),
      start({ handlers: { 'findings-recompute': handler('b') }, schedules, cronMonitorIntervalSeconds: 1 }),
    ]);
    await until(() => runs.length > 0, 'the first tick', 20_000);
    // Several more checks by each instance: without the queue's once-per-tick guard each would fire.
    await sleep(5_000);
    const perMinute = new Map<number, number>();
    for (const run of runs) perMinute.set(Math.floor(run.at / 60_000), (perMinute.get(Math.floor(run.at / 60_000)) ?? 0) + 1);
    expect([...perMinute.values()].every((count) => count === 1), JSON.stringify(runs)).toBe(true);
    expect(runs.length).toBeLessThanOrEqual(2);
  });

  it('runs one sync job at a time across two instances, with at most one more waiting', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const done: string[] = [];
    const handler = async (job: { id: string }) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(1_500);
      running -= 1;
      done.push(job.id);
    };
    const [a] = await Promise.all([start({ handlers: { 'inventory-sync': handler } }), start({ handlers: { 'inventory-sync': handler } })]);
    const first = await a!.boss.send('inventory-sync', {}, { singletonKey: SYNC_SINGLETON_KEY });
    await until(async () => (await jobState(a!, 'inventory-sync', first!)) === 'active', 'the first job to start');
    const second = await a!.boss.send('inventory-sync', {}, { singletonKey: SYNC_SINGLETON_KEY });
    const third = await a!.boss.send('inventory-sync', {}, { singletonKey: SYNC_SINGLETON_KEY });
    expect(second).toBeTruthy();
    expect(third).toBeNull();
    await until(() => done.length === 2, 'both jobs to finish', 20_000);
    expect(done).toEqual([first, second]);
    expect(mostAtOnce).toBe(1);
  });

  it('retries a failing job with backoff, then lists it as failed on the Jobs page, and Retry runs it again', async () => {
    const attempts: number[] = [];
    let succeed = false;
    const queue = await start({
      handlers: {
        'findings-recompute': async () => {
          attempts.push(Date.now());
          if (!succeed) throw new Error('The findings could not be recomputed: the database is busy.');
        },
      },
      queueOverrides: { 'findings-recompute': { retryLimit: 2, retryDelaySeconds: 1 } },
    });
    const jobId = await queue.boss.send('findings-recompute', {});
    expect(jobId).toBeTruthy();
    await until(async () => (await jobState(queue, 'findings-recompute', jobId!)) === 'failed', 'the job to fail after its retries');
    expect(attempts).toHaveLength(3);
    // Exponential backoff: about 1–2 s, then 2–4 s (pg-boss: delay × 2^attempt, jittered upwards).
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(900);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(1_900);

    const admin = contextFor(await createUser(database.db, { role: 'admin' }));
    const reviewer = contextFor(await createUser(database.db, { role: 'reviewer' }));
    const overview = await getJobsOverview(reviewer);
    if (!overview.ok) throw new Error(JSON.stringify(overview));
    expect(overview.data.canRetry).toBe(false);
    expect(overview.data.failedJobs).toEqual([
      { id: jobId, queue: 'findings-recompute', queueTitle: 'Findings', failedAt: expect.any(String), attempts: 3, message: 'The findings could not be recomputed: the database is busy.' },
    ]);
    expect(overview.data.queues.find((row) => row.name === 'findings-recompute')).toMatchObject({ failed: 1, lastRun: { state: 'failed' } });

    succeed = true;
    const seq = await lastAuditSeq(database.db);
    const retried = await retryFailedJob(admin, { queue: 'findings-recompute', jobId });
    expect(retried).toEqual({ ok: true, data: { jobId } });
    expect((await auditEventsSince(database.db, seq)).map((event) => [event.action, event.outcome, event.targetId])).toEqual([['jobs.retry', 'succeeded', jobId]]);
    await until(async () => (await jobState(queue, 'findings-recompute', jobId!)) === 'completed', 'the retried job to complete');
    expect(attempts).toHaveLength(4);
    const after = await getJobsOverview(admin);
    if (!after.ok) throw new Error(JSON.stringify(after));
    expect(after.data.failedJobs).toEqual([]);
    expect(after.data.queues.find((row) => row.name === 'findings-recompute')).toMatchObject({ failed: 0, lastRun: { state: 'completed' } });
    // Only a failed job can be retried.
    const again = await retryFailedJob(admin, { queue: 'findings-recompute', jobId });
    expect(again.ok === false && again.error.code).toBe('not_found');
  });

  it('keeps a long sync’s job active by renewing its lease, and frees the slot soon after its instance vanished (not after an hour)', async () => {
    // Seconds instead of minutes: a lease of 4 s renewed every 0.5 s, maintenance every second.
    const lease = { queueOverrides: { 'inventory-sync': { expireInSeconds: 4, renewEverySeconds: 0.5, retryDelaySeconds: 1 } }, maintenanceIntervalSeconds: 1 } as const;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const ran: { id: string; retryCount: number }[] = [];
    const live = await start({
      ...lease,
      handlers: {
        'inventory-sync': async (job) => {
          ran.push({ id: job.id, retryCount: job.retryCount });
          await released;
        },
      },
    });
    // A live worker: its job outlives several leases, because the worker renews it.
    const long = await live.boss.send('inventory-sync', {}, { singletonKey: SYNC_SINGLETON_KEY });
    await until(async () => (await jobState(live, 'inventory-sync', long!)) === 'active', 'the long job to start');
    const startedAt = Date.now();
    await until(() => Date.now() - startedAt > 9_000, 'two leases and more to pass', 15_000);
    expect(await jobState(live, 'inventory-sync', long!)).toBe('active');
    release();
    await until(async () => (await jobState(live, 'inventory-sync', long!)) === 'completed', 'the long job to complete');
    expect(ran).toEqual([{ id: long, retryCount: 0 }]);
    await live.stop();

    // A worker that fetched the next job and then vanished (SIGKILL: no renewal, no failure, no stop).
    const vanished = await start({ ...lease });
    const orphan = await vanished.boss.send('inventory-sync', {}, { singletonKey: SYNC_SINGLETON_KEY });
    const [fetched] = await vanished.boss.fetch('inventory-sync');
    expect(fetched?.id).toBe(orphan);
    expect(await jobState(vanished, 'inventory-sync', orphan!)).toBe('active');
    // Another instance: once the lease lapsed, maintenance fails the job for a retry, and this one runs it.
    ran.length = 0;
    await start({ ...lease, handlers: { 'inventory-sync': async (job) => void ran.push({ id: job.id, retryCount: job.retryCount }) } });
    await until(async () => (await jobState(vanished, 'inventory-sync', orphan!)) === 'completed', 'the orphaned job to be retried elsewhere');
    expect(ran).toEqual([{ id: orphan, retryCount: 1 }]);
  });

  it('hands a leased job back to the queue when its instance stops while it runs (a planned stop)', async () => {
    const queue = await start({ handlers: { 'inventory-sync': () => new Promise(() => undefined) } });
    const jobId = await queue.boss.send('inventory-sync', {}, { singletonKey: SYNC_SINGLETON_KEY });
    await until(async () => (await jobState(queue, 'inventory-sync', jobId!)) === 'active', 'the job to start');
    await queue.stop(500);
    // Read from the database: a stopped queue on PostgreSQL has closed its pool.
    const [row] = await database.db.$queryRaw<{ state: string }[]>`SELECT state::text FROM pgboss.job WHERE id = ${jobId}::uuid`;
    expect(row?.state).toBe('retry');
  });

  it('executes "Sync now" as a queued job end to end; asked twice at once, it runs once', async () => {
    const client = simulatorClient(sim);
    try {
      await start({
        handlers: { 'inventory-sync': (job) => runSyncJob(database.db, client, { ...job, data: job.data as SyncJobData }, 60 * 60_000, { concurrency: 4 }) },
      });
      const [first, second] = [contextFor(await createUser(database.db, { role: 'admin' })), contextFor(await createUser(database.db, { role: 'onboarder' }))];
      const results = await Promise.all([requestInventorySync(first, { full: true }), requestInventorySync(second, {})]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.find((result) => !result.ok)).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const runId = results.find((result) => result.ok)!.ok ? (results.find((result) => result.ok) as { data: { runId: string } }).data.runId : '';

      const run = await until(async () => {
        const row = await database.db.syncRun.findUniqueOrThrow({ where: { id: runId } });
        return row.status === 'running' ? null : row;
      }, 'the sync to finish');
      expect(run.status).toBe('succeeded');
      expect(await database.db.syncRun.count()).toBe(1);
      expect(await database.db.project.count()).toBe(sim.store.projects.size);
      const job = await until(async () => {
        const rows = await database.db.$queryRaw<{ state: string }[]>`SELECT state::text FROM pgboss.job WHERE id = ${run.jobId}::uuid`;
        return rows[0]?.state === 'completed' ? rows[0] : null;
      }, 'the job to complete');
      expect(job.state).toBe('completed');
    } finally {
      client.dispose();
    }
  });
});

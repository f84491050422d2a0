// Background work of a running Keywarden, on the job queue (lib/jobs/queue.ts): the scheduled and
// requested inventory syncs, the hourly findings recomputation, notifications every five minutes, the
// following of the redeploys pushes start, and the resume of interrupted incident runs. Started from
// instrumentation.ts; never during a build or a test. Every instance works the queues; the queue
// hands each job to one of them, and each cron tick fires once across all instances.
import { getConfig } from '@/lib/config';
import { ensureSandboxSimulatorKey, getSecrets } from '@/lib/config/secrets';
import { getDatabaseHandle, getDb } from '@/lib/db';
import { recomputeFindings, recomputeFindingsSafely } from '@/lib/domain/findings/engine';
import { seedReviewDemoRecords } from '@/lib/domain/findings/sandbox-demo';
import { runConfiguredNotificationTick } from '@/lib/domain/notifications/dispatch';
import type { SyncJobData } from '@/lib/domain/inventory/requests';
import { runSyncJob } from '@/lib/domain/inventory/sync-job';
import { followJobSender, runRedeployFollowJob, type RedeployFollowJobData } from '@/lib/domain/tokens/redeploys';
import { getDashboardClient } from '@/lib/domain/platformsh-connection';
import { resumeInterruptedIncidents } from '@/lib/domain/incidents/auto-resume';
import { logger } from '@/lib/logger';
import { registerNotificationRequester } from '@/lib/notifications/urgent';
import { FINDINGS_CRON, INCIDENT_RESUME_CRON, NOTIFICATIONS_CRON, SYNC_SINGLETON_KEY, syncCronFor, type QueueName } from './definitions';
import { startJobQueue, type JobHandler, type JobQueue } from './queue';
import { runningJobQueue, setRunningJobQueue } from './running';

/** How long start-up waits for the sandbox's first sync (the demo organisation takes seconds). */
const FIRST_SYNC_WAIT_MS = 120_000;

export async function startBackgroundJobs(): Promise<void> {
  if (runningJobQueue()) return;
  const config = getConfig();
  const client = getDashboardClient();
  const handlers: Partial<Record<QueueName, JobHandler>> = {
    // Throws on failure, so that the queue retries it and the Jobs page shows it.
    'findings-recompute': () => recomputeFindings(getDb()),
    notifications: () => runConfiguredNotificationTick(),
  };
  const schedules: Partial<Record<QueueName, { cron: string }>> = { 'findings-recompute': { cron: FINDINGS_CRON }, notifications: { cron: NOTIFICATIONS_CRON } };
  if (client) {
    const intervalMs = config.syncIntervalMinutes * 60_000;
    handlers['inventory-sync'] = (job) => runSyncJob(getDb(), client, { ...job, data: job.data as SyncJobData }, intervalMs);
    const cron = syncCronFor(config.syncIntervalMinutes);
    if (cron) schedules['inventory-sync'] = { cron };
    // The redeploys pushes start, read with the same credential (and rate limit) as the sync.
    handlers['redeploy-follow'] = async (job) => {
      const queue = await runningJobQueue();
      if (!queue) throw new Error('the job queue is not started');
      return runRedeployFollowJob(getDb(), client, job.data as RedeployFollowJobData, followJobSender((name, data, options) => queue.boss.send(name, data, options)));
    };
    // Incident runs a crash interrupted, resumed without a person (their live-token steps stay open tasks).
    handlers['incident-resume'] = () => resumeInterruptedIncidents({ dashboard: client, fingerprintKey: getSecrets(config).fingerprint, pushConcurrency: config.platformsh.pushConcurrency });
    schedules['incident-resume'] = { cron: INCIDENT_RESUME_CRON };
  } else {
    logger.warn('no Platform.sh API to sync from: the inventory stays as it is');
  }
  const started = startJobQueue({
    database: getDatabaseHandle(),
    connectionString: config.database.kind === 'postgresql' ? config.database.url : undefined,
    handlers,
    schedules,
  });
  setRunningJobQueue(started);
  const queue = await started;
  // An event that should not wait for the next tick (a compromised token in use) queues one now.
  registerNotificationRequester(() => queue.boss.send('notifications', {}));
  if (!client) return;

  // A tick at start-up: the first sync of a new installation runs at once (syncIfDue decides).
  const jobId = await queue.boss.send('inventory-sync', {}, { singletonKey: SYNC_SINGLETON_KEY });
  if (config.platformsh.mode === 'sandbox') {
    // The demo organisation syncs in seconds: wait for it, so the first page already lists it.
    if (jobId) await waitForJob(queue, 'inventory-sync', jobId, FIRST_SYNC_WAIT_MS);
    await prepareReviewDemo(config);
  }
}

async function waitForJob(queue: JobQueue, name: QueueName, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await queue.boss.getJobById(name, id);
    if (!job || ['completed', 'failed', 'cancelled'].includes(job.state)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  logger.warn('the first inventory sync is taking longer than expected; it goes on in the background');
}

/**
 * Sandbox mode: Keywarden's records of the review demo (once, after the first sync has copied the
 * demo projects), then the findings, so that the first look at /review shows every finding the demo
 * holds. Never fatal: the sandbox works without its demo.
 */
async function prepareReviewDemo(config: ReturnType<typeof getConfig>): Promise<void> {
  try {
    await seedReviewDemoRecords(getDb(), { credentialKey: ensureSandboxSimulatorKey(config), fingerprintKey: getSecrets(config).fingerprint });
  } catch (error) {
    logger.warn('the sandbox review demo could not be prepared', { error });
  }
  await recomputeFindingsSafely(getDb());
}

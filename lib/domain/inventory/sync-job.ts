// The `inventory-sync` queue's handler. A job carries either a run begun by "Sync now" (its id) or
// nothing (a scheduled tick, which runs a sync when one is due). A run whose Platform.sh listing
// failed fails the job, so that the queue retries it with backoff and Settings → Jobs shows it.
import type { Database } from '@/lib/db';
import type { PlatformshClient } from '@/lib/platformsh';
import type { SyncJobData } from './requests';
import { syncIfDue, type ScheduledSyncResult } from './schedule';
import { beginSyncRun, executeSyncRun, type ExecuteSyncOptions } from './sync';

export class SyncJobFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncJobFailedError';
  }
}

export interface SyncJob {
  id: string;
  data: SyncJobData;
  retryCount: number;
}

export async function runSyncJob(db: Database, client: PlatformshClient, job: SyncJob, intervalMs: number, options: ExecuteSyncOptions = {}): Promise<ScheduledSyncResult & { runId?: string }> {
  let runId: string | null = null;
  let result: ScheduledSyncResult;
  if (job.data.runId) {
    const begun = await db.syncRun.findUnique({ where: { id: job.data.runId }, select: { status: true, jobId: true } });
    if (begun?.status === 'running' && begun.jobId === job.id) {
      runId = job.data.runId;
    } else {
      // A retry of a requested run that ended: the request stands, so a new run is begun for it.
      const { full = false, requestedById = null } = job.data;
      runId = await db.$transaction((tx) => beginSyncRun(tx, { trigger: 'manual', full, requestedById, jobId: job.id }));
      if (!runId) return { status: 'busy' };
    }
    result = await executeSyncRun(db, client, runId, options);
  } else {
    result = await syncIfDue(db, client, intervalMs, { ...options, jobId: job.id, force: job.retryCount > 0 });
    if (result.status !== 'not-due' && result.status !== 'busy') {
      runId = (await db.syncRun.findFirst({ where: { jobId: job.id }, orderBy: { startedAt: 'desc' }, select: { id: true } }))?.id ?? null;
    }
  }
  if (result.status === 'failed') {
    const run = runId ? await db.syncRun.findUnique({ where: { id: runId }, select: { error: true } }) : null;
    throw new SyncJobFailedError(run?.error ?? 'The inventory sync failed.');
  }
  return { ...result, runId: runId ?? undefined };
}

// The scheduled inventory sync. The job queue (lib/jobs) ticks on a cron derived from
// KEYWARDEN_SYNC_INTERVAL_MINUTES, once per tick across all instances; each tick runs a sync when
// none started within the interval (on any instance, "Sync now" included). The first sync of a
// fresh installation is enqueued at start-up, so a newcomer sees projects at once.
import { recordAudit } from '@/lib/audit/record';
import type { Database } from '@/lib/db';
import type { PlatformshClient } from '@/lib/platformsh';
import { beginSyncRun, executeSyncRun, type ExecuteSyncOptions, type SyncOutcome } from './sync';

/** A full run (every environment's variables re-read) at least this often. */
export const FULL_SYNC_EVERY_MS = 24 * 60 * 60 * 1000;
/**
 * A tick lands a little after its minute (the queue polls), and a run starts a little after its
 * tick: a run is due this much before a whole interval has passed, so an hourly schedule stays hourly.
 */
export function scheduleSlackMs(intervalMs: number): number {
  return Math.min(120_000, intervalMs / 2);
}

export type ScheduledSyncResult = SyncOutcome | { status: 'not-due' } | { status: 'busy' };

export interface ScheduledSyncOptions extends ExecuteSyncOptions {
  /** The queue job of this tick (recorded on the run: it is live while the job is). */
  jobId?: string;
  /** A retry of a failed tick: run without the due check. */
  force?: boolean;
}

/**
 * Runs a scheduled sync when none started within `intervalMs` (0: only when no sync ever
 * succeeded). Runs it to the end before resolving.
 */
export async function syncIfDue(db: Database, client: PlatformshClient, intervalMs: number, options: ScheduledSyncOptions = {}): Promise<ScheduledSyncResult> {
  const now = (options.now ?? (() => new Date()))();
  const everSucceeded = await db.syncRun.count({ where: { status: { in: ['succeeded', 'partial'] } } });
  const latest = await db.syncRun.findFirst({ orderBy: { startedAt: 'desc' }, select: { startedAt: true } });
  const due =
    options.force === true ||
    everSucceeded === 0 ||
    (intervalMs > 0 && (!latest || now.getTime() - latest.startedAt.getTime() >= intervalMs - scheduleSlackMs(intervalMs)));
  if (!due) return { status: 'not-due' };

  const lastFull = await db.syncRun.findFirst({
    where: { full: true, status: { in: ['succeeded', 'partial'] } },
    orderBy: { startedAt: 'desc' },
    select: { startedAt: true },
  });
  const full = !lastFull || now.getTime() - lastFull.startedAt.getTime() >= FULL_SYNC_EVERY_MS;
  const runId = await db.$transaction(async (tx) => {
    const id = await beginSyncRun(tx, { trigger: 'scheduled', full, jobId: options.jobId });
    if (id) {
      await recordAudit(tx, { actor: null, action: 'inventory.sync', outcome: 'succeeded', target: { type: 'inventory' }, details: { runId: id, full, trigger: 'scheduled' } });
    }
    return id;
  });
  if (!runId) return { status: 'busy' };
  return executeSyncRun(db, client, runId, options);
}

// The scheduled inventory sync. Every instance ticks; the lease in beginSyncRun lets one of them run
// at a time, and a run that started less than an interval ago (on any instance) makes the others
// skip. The first sync of a fresh installation runs at start-up, so a newcomer sees projects at once.
import { recordAudit } from '@/lib/audit/record';
import type { Database } from '@/lib/db';
import { logger } from '@/lib/logger';
import type { PlatformshClient } from '@/lib/platformsh';
import { beginSyncRun, executeSyncRun, type ExecuteSyncOptions, type SyncOutcome } from './sync';

/** A full run (every environment's variables re-read) at least this often. */
export const FULL_SYNC_EVERY_MS = 24 * 60 * 60 * 1000;
/** How often an instance checks whether a scheduled run is due. */
const TICK_MS = 60_000;

export type ScheduledSyncResult = SyncOutcome | { status: 'not-due' } | { status: 'busy' };

/**
 * Runs a scheduled sync when none started within `intervalMs` (0: only when no sync ever
 * succeeded). Runs it to the end before resolving.
 */
export async function syncIfDue(db: Database, client: PlatformshClient, intervalMs: number, options: ExecuteSyncOptions = {}): Promise<ScheduledSyncResult> {
  const now = (options.now ?? (() => new Date()))();
  const everSucceeded = await db.syncRun.count({ where: { status: { in: ['succeeded', 'partial'] } } });
  const latest = await db.syncRun.findFirst({ orderBy: { startedAt: 'desc' }, select: { startedAt: true } });
  const due = everSucceeded === 0 || (intervalMs > 0 && (!latest || now.getTime() - latest.startedAt.getTime() >= intervalMs));
  if (!due) return { status: 'not-due' };

  const lastFull = await db.syncRun.findFirst({
    where: { full: true, status: { in: ['succeeded', 'partial'] } },
    orderBy: { startedAt: 'desc' },
    select: { startedAt: true },
  });
  const full = !lastFull || now.getTime() - lastFull.startedAt.getTime() >= FULL_SYNC_EVERY_MS;
  const runId = await db.$transaction(async (tx) => {
    const id = await beginSyncRun(tx, { trigger: 'scheduled', full });
    if (id) {
      await recordAudit(tx, { actor: null, action: 'inventory.sync', outcome: 'succeeded', target: { type: 'inventory' }, details: { runId: id, full, trigger: 'scheduled' } });
    }
    return id;
  });
  if (!runId) return { status: 'busy' };
  return executeSyncRun(db, client, runId, options);
}

const holder = globalThis as typeof globalThis & { keywardenSyncSchedule?: NodeJS.Timeout };

/**
 * Starts the schedule once per process. Resolves after the first check: with `awaitFirst`, after
 * the first sync too (sandbox mode, where the demo organisation syncs in seconds).
 */
export async function startInventorySchedule(
  db: Database,
  client: PlatformshClient,
  options: { intervalMinutes: number; awaitFirst: boolean },
): Promise<void> {
  if (holder.keywardenSyncSchedule) return;
  const intervalMs = options.intervalMinutes * 60_000;
  const tick = () =>
    syncIfDue(db, client, intervalMs)
      .then((result) => {
        if (result.status !== 'not-due') logger.info('scheduled inventory sync', { status: result.status });
      })
      .catch((error: unknown) => logger.error('scheduled inventory sync failed', { error }));
  holder.keywardenSyncSchedule = setInterval(() => void tick(), Math.min(TICK_MS, Math.max(intervalMs, 1000)));
  holder.keywardenSyncSchedule.unref();
  const first = tick();
  if (options.awaitFirst) await first;
}

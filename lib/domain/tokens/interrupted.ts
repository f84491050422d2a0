// Pushes interrupted by a crash or a redeploy. A running push holds its machine user's "one active
// push" slot (a unique index) until it closes; if the process dies half-way, nothing would ever
// close it, and the machine user could neither resume nor push again. So the process running a push
// moves its heartbeat, and a running push whose heartbeat stopped is closed as partial (or failed):
// its in-flight steps become `unknown`, which a resume settles with a read before writing (R4).
// Several Keywarden instances may run behind a load balancer: only the heartbeat, never "this
// process just started", tells that a push has no one running it any more.
import { recordAudit } from '@/lib/audit/record';
import type { Database } from '@/lib/db';

/** How often the running process moves its push's heartbeat. */
export const HEARTBEAT_EVERY_MS = 5_000;
/** A running push whose heartbeat is older than this was interrupted (several missed beats). */
export const INTERRUPTED_AFTER_MS = 20_000;

/** Moves the run's heartbeat until the returned function is called. */
export function keepRunAlive(db: Database, runId: string): () => void {
  const timer = setInterval(() => {
    // A missed beat only delays nothing: the next one, or the run's end, follows.
    db.pushRun.updateMany({ where: { id: runId, status: 'running' }, data: { heartbeatAt: new Date() } }).catch(() => undefined);
  }, HEARTBEAT_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Closes the interrupted pushes (of one machine user, or all), so that they show as resumable and
 * free the machine user's slot. Returns how many were closed.
 */
export async function closeInterruptedRuns(db: Database, options: { machineUserId?: string; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const stale = { status: 'running' as const, heartbeatAt: { lt: new Date(now.getTime() - INTERRUPTED_AFTER_MS) } };
  const runs = await db.pushRun.findMany({ where: { ...stale, ...(options.machineUserId ? { machineUserId: options.machineUserId } : {}) }, select: { id: true, machineUserId: true } });
  let closed = 0;
  for (const run of runs) {
    closed += await db.$transaction(async (tx) => {
      // Two readers may find the same run: the conditional update lets exactly one close it.
      const succeeded = await tx.pushStep.count({ where: { runId: run.id, status: 'succeeded' } });
      const claimed = await tx.pushRun.updateMany({
        where: { id: run.id, ...stale },
        data: { status: succeeded > 0 ? 'partial' : 'failed', finishedAt: now, activeMachineUserId: null },
      });
      if (claimed.count === 0) return 0;
      await tx.pushStep.updateMany({
        where: { runId: run.id, status: 'in_progress' },
        data: { status: 'unknown', error: 'Keywarden stopped while this step was running. Resuming checks it with a read first; nothing is duplicated.' },
      });
      await recordAudit(tx, {
        actor: null,
        action: 'token.push_interrupted',
        outcome: 'failed',
        reason: 'The push was interrupted (Keywarden stopped while it ran).',
        clientAddress: null,
        target: { type: 'machine_user', id: run.machineUserId },
        details: { step: 'interrupted', runId: run.id },
      });
      return 1;
    });
  }
  return closed;
}

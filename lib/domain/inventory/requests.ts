// "Sync now" and the state of the latest run, for the Projects page's progress panel.
import { randomUUID } from 'node:crypto';
import { authorize, ruleFor } from '@/lib/auth/authorize';
import { getDb } from '@/lib/db';
import { inTransaction, queueStatements } from '@/lib/db/job-queue';
import { SYNC_SINGLETON_KEY } from '@/lib/jobs/definitions';
import { AppError, fail, ok, type ActionResult } from '@/lib/errors';
import { syncRequestSchema } from '@/lib/validations/inventory';
import type { RequestContext } from '../context';
import { runMutation } from '../mutation';
import { beginSyncRun } from './sync';

/** What a sync job carries: never a secret (the dashboard's API token stays in the configuration). */
export interface SyncJobData {
  /** The run begun with the request; absent for a scheduled tick. */
  runId?: string;
  full?: boolean;
  requestedById?: string | null;
}

/**
 * Begins a run and enqueues the job that executes it, in the mutation's transaction (both or
 * neither); refused while another run is live or a sync job already waits.
 */
export function requestInventorySync(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ runId: string }>> {
  return runMutation(
    context,
    {
      action: 'inventory.sync',
      schema: syncRequestSchema,
      target: () => ({ type: 'inventory' }),
      run: async (tx, input) => {
        const jobId = randomUUID();
        const runId = await beginSyncRun(tx, { trigger: 'manual', full: input.full, requestedById: context.actor.id, jobId });
        if (!runId) throw new AppError('conflict', 'A sync is already running; its progress is shown on the Projects page.');
        const data: SyncJobData = { runId, full: input.full, requestedById: context.actor.id };
        // The queue's policy keeps one sync job waiting at most: a scheduled tick may be that one.
        const sent = await queueStatements().send('inventory-sync', data, { id: jobId, singletonKey: SYNC_SINGLETON_KEY, db: inTransaction(tx) });
        if (!sent) throw new AppError('conflict', 'A sync is already running (a scheduled one is about to start); its progress will show on the Projects page.');
        return { data: { runId }, details: { runId, full: input.full } };
      },
    },
    rawInput,
  );
}

export interface SyncRunView {
  id: string;
  trigger: 'manual' | 'scheduled';
  full: boolean;
  status: 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';
  requestedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  projectsTotal: number | null;
  projectsDone: number;
  projectsFailed: number;
  environmentsSeen: number;
  variableReads: number;
  error: string | null;
  failures: { projectId: string; projectTitle: string; message: string }[];
}

const MAX_FAILURES_SHOWN = 50;

/** The latest run (running or finished), or null before the first sync. */
export function getLatestSyncRun(context: RequestContext): Promise<ActionResult<SyncRunView | null>> {
  return readSyncRun(context, null);
}

/** One run by its id (the REST API's `GET /api/v1/syncs/{id}`), or not_found. */
export async function getSyncRun(context: RequestContext, runId: string): Promise<ActionResult<SyncRunView>> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) return fail('not_found', 'There is no such sync.');
  const result = await readSyncRun(context, runId);
  if (!result.ok) return result;
  return result.data ? ok(result.data) : fail('not_found', 'There is no such sync.');
}

async function readSyncRun(context: RequestContext, runId: string | null): Promise<ActionResult<SyncRunView | null>> {
  if (!authorize(context.actor, 'dashboard.read').allowed) return fail('forbidden', 'You do not have permission to see the inventory.');
  // An onboarder sees the failures of their own projects only (filtered in SQL, before the limit).
  const failureScope = ruleFor(context.actor.role, 'project.read') === 'allow' ? {} : { projectId: { in: [...context.actor.projectIds] } };
  const run = await getDb().syncRun.findFirst({
    where: runId === null ? {} : { id: runId },
    orderBy: { startedAt: 'desc' },
    include: {
      requestedBy: { select: { email: true } },
      failures: { where: failureScope, orderBy: { projectTitle: 'asc' }, take: MAX_FAILURES_SHOWN, select: { projectId: true, projectTitle: true, message: true } },
    },
  });
  if (!run) return ok(null);
  return ok({
    id: run.id,
    trigger: run.trigger,
    full: run.full,
    status: run.status,
    requestedBy: run.requestedBy?.email ?? null,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    projectsTotal: run.projectsTotal,
    projectsDone: run.projectsDone,
    projectsFailed: run.projectsFailed,
    environmentsSeen: run.environmentsSeen,
    variableReads: run.variableReads,
    error: run.error,
    failures: run.failures,
  });
}

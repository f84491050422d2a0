// "Sync now" and the state of the latest run, for the Projects page's progress panel.
import { authorize, ruleFor } from '@/lib/auth/authorize';
import { getDb } from '@/lib/db';
import { AppError, fail, ok, type ActionResult } from '@/lib/errors';
import { syncRequestSchema } from '@/lib/validations/inventory';
import type { RequestContext } from '../context';
import { runMutation } from '../mutation';
import { beginSyncRun } from './sync';

/** Begins a run (the caller executes it in the background); refused while another one runs. */
export function requestInventorySync(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ runId: string }>> {
  return runMutation(
    context,
    {
      action: 'inventory.sync',
      schema: syncRequestSchema,
      target: () => ({ type: 'inventory' }),
      run: async (tx, input) => {
        const runId = await beginSyncRun(tx, { trigger: 'manual', full: input.full, requestedById: context.actor.id });
        if (!runId) throw new AppError('conflict', 'A sync is already running; its progress is shown on the Projects page.');
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

// Following the redeploys a push starts (issue 20 §2). Setting `env:PLATFORMSH_CLI_TOKEN` on an
// environment redeploys it, and so does deleting it: a revocation's `delete` steps (rotate.ts
// executeRevocation: a compromised token, an offboarding, an incident) and a move's deletion of the
// old name (push.ts) record their activities too. Nobody waits (a redeploy takes minutes), so each
// succeeded step whose write answered with activities gets a `redeploy-follow` job. The job reads the step's
// activities with the dashboard's own credential (the client the sync uses, so the same rate limit
// and circuit breaker apply), stores the least advanced state, the lowest completion percent and
// whether any failed on the step, and runs again later — with backoff — until every activity is
// complete or REDEPLOY_FOLLOW_LIMIT_MS has passed since the token was set. A job carries the step's
// id and its attempt number: never a token, never anything Platform.sh answered.
//
// Idempotent: a step whose following has ended is left alone, so a repeated or retried job reads
// nothing. The redeploy columns are written with SQL that leaves `updated_at` alone: that column
// says when the token was set, and which step an environment's holding comes from (holders.ts).
import { getDb, Prisma, type Database } from '@/lib/db';
import { inTransaction, queueStatements } from '@/lib/db/job-queue';
import { isPlatformshError, type Activity, type PlatformshClient } from '@/lib/platformsh';
import { logger } from '@/lib/logger';
import { recomputeFindingsSafely } from '../findings/engine';

/** What a `redeploy-follow` job carries: ids only. */
export interface RedeployFollowJobData {
  stepId: string;
  /** 0 for the first read after the push; each later read waits longer (redeployPollDelaySeconds). */
  attempt: number;
}

/** How long Keywarden follows a redeploy before it says it could not confirm it (a deploy rarely takes this long). */
export const REDEPLOY_FOLLOW_LIMIT_MS = 60 * 60_000;
/** The first read: a redeploy is pending for its first seconds. */
export const FIRST_READ_AFTER_SECONDS = 2;
const MAX_DELAY_SECONDS = 60;

/** Seconds before the read after `attempt`: 2, 4, 8, 16, 32, then every minute. */
export function redeployPollDelaySeconds(attempt: number): number {
  return Math.min(MAX_DELAY_SECONDS, FIRST_READ_AFTER_SECONDS * 2 ** Math.max(0, attempt));
}

export type RedeployStatus = 'none' | 'waiting' | 'running' | 'succeeded' | 'failed' | 'unconfirmed';

/** The redeploy columns of a push step, as pages read them. */
export interface RedeployColumns {
  activityIds: string[];
  redeployState: string | null;
  redeployResult: string | null;
  redeployPercent: number | null;
  redeployFollowEndedAt: Date | null;
}

/**
 * One word for a step's redeploy: `none` (the write started none: an inactive environment), `waiting`
 * (not read yet), `running`, `succeeded`, `failed` (a failure or a cancellation) or `unconfirmed`
 * (Keywarden stopped following before it completed, or could not read it).
 */
export function redeployStatusOf(step: RedeployColumns): RedeployStatus {
  if (step.activityIds.length === 0) return 'none';
  if (step.redeployResult === 'failure' || step.redeployState === 'cancelled') return 'failed';
  if (step.redeployState === 'complete') return 'succeeded';
  if (step.redeployFollowEndedAt) return 'unconfirmed';
  return step.redeployState === null ? 'waiting' : 'running';
}

interface Aggregate {
  state: string;
  result: 'success' | 'failure' | null;
  percent: number;
  /** Every activity has ended (complete or cancelled). */
  ended: boolean;
}

const PROGRESS_ORDER: Record<string, number> = { staged: 0, scheduled: 0, pending: 1, in_progress: 2, cancelled: 3, complete: 4 };

/** Several activities (a step usually starts one) read as one redeploy: the least advanced, and failed if any failed. */
export function aggregateActivities(activities: readonly Activity[]): Aggregate {
  const ended = activities.every((activity) => activity.state === 'complete' || activity.state === 'cancelled');
  const least = [...activities].sort((a, b) => (PROGRESS_ORDER[a.state] ?? 0) - (PROGRESS_ORDER[b.state] ?? 0))[0];
  const failed = activities.some((activity) => activity.result === 'failure');
  const percent = Math.min(...activities.map((activity) => (activity.state === 'complete' ? 100 : Math.max(0, Math.min(100, Math.round(activity.completionPercent))))));
  const state = failed && ended ? 'complete' : (least?.state ?? 'pending');
  return { state, result: failed ? 'failure' : ended && activities.every((activity) => activity.result === 'success') ? 'success' : null, percent, ended };
}

export type FollowOutcome =
  /** Nothing to follow: no such step, not set, no activity, or its following has ended already. */
  | { status: 'nothing' }
  /** Read again after this many seconds. */
  | { status: 'again'; afterSeconds: number; unread: number }
  /** Following ended now: the redeploy completed (or failed), or the time bound passed. */
  | { status: 'ended'; redeploy: RedeployStatus };

export interface FollowOptions {
  now?: Date;
  limitMs?: number;
}

/** One read of a step's activities; the caller (the job) sends the next one when told `again`. */
export async function followStepRedeploy(db: Database, client: PlatformshClient, data: RedeployFollowJobData, options: FollowOptions = {}): Promise<FollowOutcome> {
  const step = await db.pushStep.findUnique({
    where: { id: data.stepId },
    select: { id: true, projectId: true, environmentId: true, status: true, activityIds: true, updatedAt: true, redeployFollowEndedAt: true, redeployState: true },
  });
  if (!step || step.status !== 'succeeded' || step.activityIds.length === 0 || step.redeployFollowEndedAt) return { status: 'nothing' };

  const read: Activity[] = [];
  let unread = 0;
  for (const activityId of step.activityIds) {
    try {
      // The environment's address: the contract's narrower read, refused if the activity is another environment's.
      read.push(await client.getActivity(step.projectId, activityId, step.environmentId));
    } catch (error) {
      // A lost answer, a 5xx, a 429 beyond the client's own retries, an open circuit: read again later.
      if (!isPlatformshError(error)) throw error;
      unread += 1;
      logger.info('a redeploy activity could not be read; it is read again later', { stepId: step.id, activityId, kind: error.kind });
    }
  }

  const now = options.now ?? new Date();
  const pastLimit = now.getTime() - step.updatedAt.getTime() >= (options.limitMs ?? REDEPLOY_FOLLOW_LIMIT_MS);
  const complete = unread === 0 ? aggregateActivities(read) : null;
  const ends = Boolean(complete?.ended) || pastLimit;
  const endedAt = ends ? now : null;
  if (complete) {
    await db.$executeRaw(Prisma.sql`
      UPDATE push_steps SET redeploy_state = ${complete.state}, redeploy_result = ${complete.result}, redeploy_percent = ${complete.percent},
        redeploy_checked_at = ${now}, redeploy_follow_ended_at = ${endedAt}
      WHERE id = ${step.id}::uuid AND redeploy_follow_ended_at IS NULL`);
  } else if (ends) {
    // Some activity never answered before the bound: what was last read stays, and following ends.
    await db.$executeRaw(Prisma.sql`UPDATE push_steps SET redeploy_follow_ended_at = ${endedAt} WHERE id = ${step.id}::uuid AND redeploy_follow_ended_at IS NULL`);
  }
  if (!ends) return { status: 'again', afterSeconds: redeployPollDelaySeconds(data.attempt + 1), unread };

  const columns = await db.pushStep.findUniqueOrThrow({ where: { id: step.id }, select: { activityIds: true, redeployState: true, redeployResult: true, redeployPercent: true, redeployFollowEndedAt: true } });
  const redeploy = redeployStatusOf(columns);
  // A failed redeploy is a finding (rule `redeploy.failed`, high): open it now rather than at the hourly recomputation.
  if (redeploy === 'failed') await recomputeFindingsSafely(db, now);
  return { status: 'ended', redeploy };
}

export type SendFollowJob = (data: RedeployFollowJobData, startAfterSeconds: number) => Promise<unknown>;

/** The `redeploy-follow` queue's handler: one read, then the next job when the redeploy goes on. */
export async function runRedeployFollowJob(db: Database, client: PlatformshClient, data: RedeployFollowJobData, send: SendFollowJob, options: FollowOptions = {}): Promise<FollowOutcome> {
  const outcome = await followStepRedeploy(db, client, { stepId: data.stepId, attempt: data.attempt ?? 0 }, options);
  if (outcome.status === 'again') await send({ stepId: data.stepId, attempt: (data.attempt ?? 0) + 1 }, outcome.afterSeconds);
  return outcome;
}

type RawQueryable = Pick<Prisma.TransactionClient, '$queryRawUnsafe'>;

/**
 * Enqueues the first read of a step's redeploy, in the transaction that marks the step succeeded
 * (both or neither). The step's id is the singleton key: one waiting read per step at most.
 */
export async function enqueueRedeployFollow(tx: RawQueryable, stepId: string): Promise<void> {
  const data: RedeployFollowJobData = { stepId, attempt: 0 };
  await queueStatements().send('redeploy-follow', data, { singletonKey: stepId, startAfter: FIRST_READ_AFTER_SECONDS, db: inTransaction(tx) });
}

/** The first `redeploy-follow` job of several steps, in one statement (pg-boss's insert; the queue's options apply). */
export async function enqueueRedeployFollows(tx: RawQueryable, stepIds: readonly string[]): Promise<void> {
  if (stepIds.length === 0) return;
  const jobs = stepIds.map((stepId) => ({ name: 'redeploy-follow', data: { stepId, attempt: 0 } satisfies RedeployFollowJobData, singletonKey: stepId, startAfter: String(FIRST_READ_AFTER_SECONDS) }));
  await queueStatements().insert(jobs, { db: inTransaction(tx) });
}

/** The sends of a started queue (the job handler's next read). */
export function followJobSender(send: (name: 'redeploy-follow', data: object, options: { singletonKey: string; startAfter: number }) => Promise<unknown>): SendFollowJob {
  return (data, startAfterSeconds) => send('redeploy-follow', data, { singletonKey: data.stepId, startAfter: startAfterSeconds });
}

/** For tests and pages: a step's redeploy columns. */
export function readRedeploy(stepId: string) {
  return getDb().pushStep.findUnique({ where: { id: stepId }, select: { activityIds: true, redeployState: true, redeployResult: true, redeployPercent: true, redeployCheckedAt: true, redeployFollowEndedAt: true, updatedAt: true } });
}

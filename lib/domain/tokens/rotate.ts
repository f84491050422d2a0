// Rotation and revocation of a machine user's token (issue 5).
//
// Rotate: paste the new token → verify (same machine user) → push it to every environment that holds
// the old one (a run that "rotates" the old token) → once every step succeeded, delete the old token on
// Platform.sh with the new token's identity and mark the old record superseded. A rotation that stops
// half-way says which environments hold which token, and resumes like any push.
//
// Compromised: a plan first (the variables to delete, the Platform.sh token to delete, what needs a
// live token of the user), then the execution, journalled like a push (`delete` steps), then the record.
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb, type Prisma } from '@/lib/db';
import { fail, isUniqueViolation, ok, type ActionResult } from '@/lib/errors';
import { isPlatformshError, mapWithConcurrency, type PlatformshClient } from '@/lib/platformsh';
import { fingerprintOf, sameFingerprint } from '@/lib/security/fingerprint';
import { compromiseTokenSchema, rotateTokenSchema } from '@/lib/validations/tokens';
import { countOf } from '@/lib/utils';
import type { RequestContext } from '../context';
import { recordVariableDeleted } from '../inventory/own-writes';
import { describePlatformshFailure } from '../machine-users/steps';
import { currentHoldings, variablesHoldingToken, type HeldVariable } from './holders';
import { closeInterruptedRuns, keepRunAlive } from './interrupted';
import { decideMinting, deployToken, refuseMintingChoice, type BootstrapUse } from './mint';
import { enqueueRedeployFollow } from './redeploys';
import { forgetRemoteToken } from './remote-tokens';
import { ANOTHER_PUSH_RUNNING, audit, executeRun, holding, openTokenAction, PUSH_CONCURRENCY, recordedAlready, recordIntent, verifyIdentity, withTokenClient, type PushOutcome, type RunCommit, type TokenDeps } from './push';
import { deleteInConsoleTask, deleteWithLiveTokenTask, deletionFailedTask, oldTokenDeletion } from './deletion-tasks';

function loadToken(tokenId: string) {
  return getDb().apiToken.findUnique({ where: { id: tokenId }, include: { machineUser: { include: { project: { select: { id: true, title: true } } } } } });
}

/**
 * Rotates one token. A bulk rotation (incidents/rotation.ts) passes `bootstrapUse: 'shared'`: the
 * pasted token is a bootstrap of the machine user that mints every fresh token of its rotations
 * (whatever the policy says: that is what a bulk rotation is), kept until the last one.
 */
export async function rotateToken(context: RequestContext, rawInput: unknown, deps: TokenDeps, options: { bootstrapUse?: BootstrapUse } = {}): Promise<ActionResult<PushOutcome>> {
  const db = getDb();
  const refusedChoice = await refuseMintingChoice(context, rawInput, 'token');
  if (refusedChoice) return refusedChoice;
  const opened = await openTokenAction(context, rawInput, {
    schema: rotateTokenSchema,
    pastedField: 'token',
    name: 'rotation',
    load: (input) => loadToken(input.oldTokenId),
    scope: (token) => ({ projectId: token.machineUser.projectId, machineUserId: token.machineUserId }),
    forbidden: 'You do not have permission to rotate this token.',
  });
  if (!opened.ok) return opened.failure;
  const { input, target: old } = opened;
  if (old.status !== 'active') return fail('conflict', `This token is ${old.status}: only an active token is rotated.`);
  // Minted or pasted (issue 18.2): settled before Platform.sh is asked anything.
  const minting = options.bootstrapUse === 'shared' ? { mint: true, byPolicy: true } : await decideMinting(context, input.mint, { machineUserId: old.machineUserId });
  await closeInterruptedRuns(db, { machineUserId: old.machineUserId });

  return holding(input.token, async () => {
    const fingerprint = fingerprintOf(input.token, deps.fingerprintKey);
    if (sameFingerprint(fingerprint, old.fingerprint)) return fail('invalid_input', 'This is the token being rotated. Paste the new one.', { token: ['Same token as the old one.'] });
    // Identity first (T4), then the records: see recordAndPushToken.
    const identity = await withTokenClient(deps, input.token, (asUser) => verifyIdentity(asUser, old.machineUser, context.actor));
    if (!identity.ok) {
      await audit(context, { action: 'token.rotate', outcome: 'refused', reason: identity.auditReason, targetId: old.machineUserId, fingerprint, details: { replaces: old.id } });
      return fail('invalid_input', identity.message);
    }
    const recorded = await recordedAlready(context.actor, fingerprint, old.machineUserId, deps.dashboard.vendor);
    if (recorded) {
      await audit(context, { action: 'token.rotate', outcome: 'refused', reason: recorded.auditReason, targetId: old.machineUserId, fingerprint, details: { replaces: old.id } });
      return fail('conflict', recorded.message);
    }
    const held = (await currentHoldings([old.machineUserId])).filter((holding) => holding.tokenId === old.id);
    const bootstrap = { token: input.token, fingerprint, info: identity.info };
    return deployToken(context, deps, { ...minting, machineUser: old.machineUser, userId: identity.userId, runId: input.runId, bootstrap, bootstrapUse: options.bootstrapUse }, async (deployment) => {
      const tokenId = await recordIntent(context, {
        action: 'token.rotate',
        machineUserId: old.machineUserId,
        input: { ...input, token: deployment.token },
        fingerprint: deployment.fingerprint,
        info: deployment.info,
        rotatesTokenId: old.id,
        // In place: each environment gets the new token under the name it holds the old one (a move
        // to the other vendor's name is its own, explicit push).
        steps: held.map((holding) => ({ projectId: holding.projectId, environmentId: holding.environmentId, environmentType: holding.environmentType, variableName: holding.variableName })),
        variableName: deps.dashboard.vendor.tokenVariable,
        details: { step: 'rotation_recorded', replaces: old.id, replacesLastFour: old.lastFour, environments: held.map((holding) => holding.environmentId), ...deployment.details },
        link: deployment.link,
      });
      if (!tokenId) return fail('conflict', ANOTHER_PUSH_RUNNING);
      return ok(await executeRun(context, deps, { runId: input.runId, tokenId, token: deployment.token, fingerprint: deployment.fingerprint, beforeSucceeded: deployment.beforeSucceeded }));
    });
  });
}

/** How a rotation run ends: its outcome, and what to commit with the run's closing (nothing unless it succeeded). */
export interface RotationEnd {
  outcome: PushOutcome;
  commit?: RunCommit;
  /** When the old token was deleted on Platform.sh by this end (a succeeded rotation whose deletion went through). */
  oldDeletedAt?: Date;
}

/**
 * The end of a rotation run, before the run closes. Once every environment holds the new token, the
 * old one is deleted on Platform.sh with the new token's identity (the only one allowed to manage the
 * user's tokens), and `commit` supersedes its record in the transaction that closes the run: a run
 * read as succeeded never has its old token still active. Otherwise the old token stays active, and
 * the message says who holds what.
 */
export async function endRotation(
  context: RequestContext,
  deps: TokenDeps,
  run: { runId: string; tokenId: string; token: string; rotatesTokenId: string; status: 'succeeded' | 'partial' | 'failed'; steps: { environmentId: string; status: string }[] },
): Promise<RotationEnd> {
  const db = getDb();
  const [old, fresh] = await Promise.all([
    db.apiToken.findUniqueOrThrow({ where: { id: run.rotatesTokenId }, include: { machineUser: { select: { platformshUserId: true } } } }),
    db.apiToken.findUniqueOrThrow({ where: { id: run.tokenId } }),
  ]);
  if (run.status !== 'succeeded') {
    const moved = run.steps.filter((step) => step.status === 'succeeded').map((step) => step.environmentId);
    const stayed = run.steps.filter((step) => step.status !== 'succeeded').map((step) => step.environmentId);
    return {
      outcome: {
        runId: run.runId,
        tokenId: run.tokenId,
        status: run.status,
        message: `The rotation stopped half-way: ${moved.length ? `${moved.join(', ')} hold the new token (…${fresh.lastFour})` : 'no environment holds the new token yet'}; ${stayed.join(', ')} still hold the old one (…${old.lastFour}), which stays active. Paste the new token again to resume.`,
      },
    };
  }

  let deletion: string;
  let deletedAt: Date | null = null;
  const { platformshTokenId } = old;
  const { platformshUserId } = old.machineUser;
  if (!platformshTokenId || !platformshUserId) {
    deletion = oldTokenDeletion(deps.dashboard.vendor, old, { kind: 'unknown_id' });
  } else {
    // The new token was proven to be this machine user's when the rotation was recorded (a resume
    // matches its fingerprint), so its identity is not asked again.
    try {
      await withTokenClient(deps, run.token, (asNew) =>
        asNew.deleteApiToken(platformshUserId, platformshTokenId).catch((error: unknown) => {
          if (!(isPlatformshError(error) && error.kind === 'not_found')) throw error;
        }),
      );
      await forgetRemoteToken(old.machineUserId, platformshTokenId);
      deletedAt = new Date();
      deletion = oldTokenDeletion(deps.dashboard.vendor, old, { kind: 'deleted' });
    } catch (error) {
      deletion = oldTokenDeletion(deps.dashboard.vendor, old, { kind: 'failed', failure: describePlatformshFailure(error) });
    }
  }
  return {
    outcome: { runId: run.runId, tokenId: run.tokenId, status: 'succeeded', message: `Rotated: every environment that held …${old.lastFour} now holds …${fresh.lastFour}. ${deletion}` },
    ...(deletedAt ? { oldDeletedAt: deletedAt } : {}),
    commit: async (tx) => {
      await tx.apiToken.update({ where: { id: old.id }, data: { status: 'superseded', supersededById: fresh.id, statusChangedAt: new Date(), deletedOnPlatformAt: deletedAt } });
      await recordAudit(tx, {
        actor: context.actor,
        action: 'token.supersede',
        outcome: 'succeeded',
        clientAddress: context.clientAddress,
        target: { type: 'machine_user', id: old.machineUserId },
        tokenFingerprint: old.fingerprint,
        details: { step: 'superseded', tokenId: old.id, by: fresh.id, deletedOnPlatform: deletedAt !== null },
      });
    },
  };
}

// ---- compromised ------------------------------------------------------------------------------

export interface RevocationPlan {
  tokenId: string;
  lastFour: string;
  machineUser: { id: string; email: string };
  /** Environments whose CLI token variable holds this token (by Keywarden's journal), with its name. */
  variables: HeldVariable[];
  /** The token's id on Platform.sh, to delete with a live token of the same user. */
  platformshTokenId: string | null;
  alreadyDeletedOnPlatform: boolean;
}

export async function getRevocationPlan(context: RequestContext, tokenId: string): Promise<ActionResult<RevocationPlan>> {
  const token = await loadToken(tokenId);
  if (!token || !authorize(context.actor, 'token.read', { projectId: token.machineUser.projectId }).allowed) return fail('not_found', 'There is no such token.');
  const variables = await variablesHoldingToken(token.machineUserId, token.id);
  return ok({
    tokenId: token.id,
    lastFour: token.lastFour,
    machineUser: { id: token.machineUserId, email: token.machineUser.email },
    variables,
    platformshTokenId: token.platformshTokenId,
    alreadyDeletedOnPlatform: token.deletedOnPlatformAt !== null,
  });
}

export interface RevocationOutcome {
  status: 'done' | 'partial';
  message: string;
  /** What is left to do, in plain words (e.g. deleting the token on Platform.sh). */
  openTasks: string[];
}

/**
 * Marks a token compromised and executes the plan: deletes its variables (journalled `delete` steps),
 * deletes it on Platform.sh when a live token of the user is pasted (the compromised token itself
 * works until deleted), verifies, and records what is still open.
 */
export async function markTokenCompromised(context: RequestContext, rawInput: unknown, deps: TokenDeps): Promise<ActionResult<RevocationOutcome>> {
  const db = getDb();
  const opened = await openTokenAction(context, rawInput, {
    schema: compromiseTokenSchema,
    pastedField: 'liveToken',
    name: 'revocation',
    load: (input) => loadToken(input.tokenId),
    scope: (token) => ({ projectId: token.machineUser.projectId, machineUserId: token.machineUserId }),
    forbidden: 'You do not have permission to revoke this token.',
  });
  if (!opened.ok) return opened.failure;
  const { input, target: token } = opened;
  if (token.status === 'compromised' && token.deletedOnPlatformAt) return fail('conflict', `This token is already marked compromised and deleted on ${deps.dashboard.vendor.productName}.`);
  await closeInterruptedRuns(db, { machineUserId: token.machineUserId });
  const plan = await getRevocationPlan(context, token.id);
  if (!plan.ok) return plan;
  const variables = input.deleteVariables ? plan.data.variables : [];

  const reason = input.reason || undefined;
  const work = (live: LiveToken | undefined) => executeRevocation(context, deps, { token, variables, status: 'compromised', reason }, live);
  if (!input.liveToken) return work(undefined);
  const liveToken = input.liveToken;
  // The pasted token may be the compromised one itself (it works until deleted). It is proven to be
  // this machine user's (T4) before anything changes — and never compared with other records, which
  // would tell an onboarder what another project's token is.
  return holding(liveToken, () =>
    withTokenClient(deps, liveToken, async (asUser) => {
      const identity = await verifyIdentity(asUser, token.machineUser, context.actor);
      if (!identity.ok) {
        await audit(context, { action: 'token.compromise', outcome: 'refused', reason: `revocation: ${identity.auditReason}`, targetId: token.machineUserId, fingerprint: fingerprintOf(liveToken, deps.fingerprintKey), details: { tokenId: token.id } });
        return fail('invalid_input', identity.message.replace('Nothing was pushed.', 'Nothing was changed.'), { liveToken: ['Not a live token of this machine user.'] });
      }
      return work({ asUser, userId: identity.userId });
    }),
  );
}

/** A live token of the machine user, already proven (T4), and its client: the token is exchanged once. */
export type LiveToken = { asUser: PlatformshClient; userId: string };

export type RevocableToken = NonNullable<Awaited<ReturnType<typeof loadToken>>>;

/**
 * The variable names, in words: one name, or both when an organisation that moved holds the token
 * under each (`only`: just these environments).
 */
function variableWords(variables: readonly { environmentId: string; variableName: string }[], only?: readonly string[]): string {
  return [...new Set(variables.filter((variable) => !only || only.includes(variable.environmentId)).map((variable) => variable.variableName))].sort().join(' and ');
}

/**
 * Revokes one token of a machine user, journalled like a push: the intent first (its new status and
 * a run of `delete` steps, with the audit row, L1), then the variables deleted, then — with a live
 * token of the user — the token deleted on Platform.sh, then the run closed with what is still open.
 * Used for a compromised token and for each token of a machine user being removed (offboarding).
 */
export async function executeRevocation(
  context: RequestContext,
  deps: TokenDeps,
  target: { token: RevocableToken; variables: HeldVariable[]; status: 'compromised' | 'revoked'; reason?: string },
  live: LiveToken | undefined,
): Promise<ActionResult<RevocationOutcome>> {
  const db = getDb();
  const { token, variables, status } = target;
  const marked = status === 'compromised' ? 'marked compromised' : 'revoked';
  // The intent first (L1): the status and a journalled run of `delete` steps.
  let runId: string;
  try {
    runId = await db.$transaction(async (tx) => {
      await tx.apiToken.update({ where: { id: token.id }, data: { status, statusChangedAt: new Date() } });
      const run = await tx.pushRun.create({
        data: {
          machineUserId: token.machineUserId,
          tokenId: token.id,
          activeMachineUserId: token.machineUserId,
          visibleBuild: false,
          startedById: context.actor.id,
          steps: { create: variables.map((variable) => ({ ...variable, operation: 'delete' })) },
        },
      });
      await recordAudit(tx, {
        actor: context.actor,
        action: status === 'compromised' ? 'token.compromise' : 'token.revoke',
        outcome: 'succeeded',
        reason: target.reason,
        clientAddress: context.clientAddress,
        target: { type: 'machine_user', id: token.machineUserId },
        tokenFingerprint: token.fingerprint,
        details: { step: status, tokenId: token.id, deleteVariables: variables.map((variable) => variable.environmentId), liveTokenGiven: live !== undefined },
      });
      return run.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return fail('conflict', 'A push for this machine user is running. Wait for it to finish, then try again.');
    throw error;
  }

  const stopHeartbeat = keepRunAlive(db, runId);
  try {
    return await revoke(runId, live);
  } finally {
    stopHeartbeat();
  }

  /** Deletes the variables and, with a live token, the token on Platform.sh; then closes the run. */
  async function revoke(runId: string, live: LiveToken | undefined): Promise<ActionResult<RevocationOutcome>> {
    const productName = deps.dashboard.vendor.productName;
    const steps = await db.pushStep.findMany({ where: { runId } });
    await mapWithConcurrency(steps, deps.pushConcurrency ?? PUSH_CONCURRENCY, async (step) => {
      // The variable is gone: its inventory row goes in the transaction that journals it (issue 14.2),
      // and so does the first read of the redeploy the deletion started, followed like a push's.
      const deleted = (data: Prisma.PushStepUpdateInput, activityIds: string[] = []) =>
        db.$transaction(async (tx) => {
          await tx.pushStep.update({ where: { id: step.id }, data: { ...data, activityIds } });
          if (activityIds.length > 0) await enqueueRedeployFollow(tx, step.id);
          await recordVariableDeleted(tx, step.projectId, step.environmentId, step.variableName);
        });
      try {
        // The name the token was pushed under (journalled with its push), whatever the vendor is now.
        const change = await deps.dashboard.deleteEnvironmentVariable(step.projectId, step.environmentId, step.variableName);
        await deleted({ status: 'succeeded', attempts: { increment: 1 } }, change.activityIds);
      } catch (error) {
        const gone = isPlatformshError(error) && error.kind === 'not_found';
        if (gone) await deleted({ status: 'succeeded', error: 'Already gone.' });
        else await db.pushStep.update({ where: { id: step.id }, data: { status: 'failed', error: describePlatformshFailure(error), attempts: { increment: 1 } } });
      }
    });
    const failedVariables = (await db.pushStep.findMany({ where: { runId, status: { not: 'succeeded' } } })).map((step) => step.environmentId);

    const openTasks: string[] = [];
    let deletedAt = token.deletedOnPlatformAt;
    if (!deletedAt) {
      if (!live) {
        openTasks.push(deleteWithLiveTokenTask(deps.dashboard.vendor, token, token.machineUser.email, status === 'compromised'));
      } else if (!token.platformshTokenId) {
        openTasks.push(deleteInConsoleTask(deps.dashboard.vendor, token, token.machineUser.email));
      } else {
        const platformshTokenId = token.platformshTokenId;
        try {
          await live.asUser.deleteApiToken(live.userId, platformshTokenId).catch((error: unknown) => {
            if (!(isPlatformshError(error) && error.kind === 'not_found')) throw error;
          });
          await forgetRemoteToken(token.machineUserId, platformshTokenId);
          deletedAt = new Date();
        } catch (error) {
          openTasks.push(deletionFailedTask(deps.dashboard.vendor, describePlatformshFailure(error)));
        }
      }
    }
    if (failedVariables.length) openTasks.push(`Delete ${variableWords(variables, failedVariables)} on ${failedVariables.join(', ')}: ${productName} refused or did not answer.`);

    await db.$transaction(async (tx) => {
      await tx.pushRun.update({ where: { id: runId }, data: { status: failedVariables.length ? 'partial' : 'succeeded', finishedAt: new Date(), activeMachineUserId: null } });
      await tx.apiToken.update({ where: { id: token.id }, data: { deletedOnPlatformAt: deletedAt } });
      await recordAudit(tx, {
        actor: context.actor,
        action: 'token.finish_revocation',
        outcome: openTasks.length ? 'failed' : 'succeeded',
        clientAddress: context.clientAddress,
        target: { type: 'machine_user', id: token.machineUserId },
        tokenFingerprint: token.fingerprint,
        reason: openTasks.length ? openTasks.join(' ') : undefined,
        details: { step: 'revocation_executed', tokenId: token.id, deletedVariables: variables.map((variable) => variable.environmentId).filter((id) => !failedVariables.includes(id)), deletedOnPlatform: deletedAt !== null },
      });
    });
    const done = [`…${token.lastFour} is ${marked}.`];
    if (variables.length) done.push(`${variableWords(variables)} deleted on ${variables.length - failedVariables.length} of ${countOf(variables.length, 'environment')}.`);
    if (deletedAt && !token.deletedOnPlatformAt) done.push(`The token is deleted on ${productName}.`);
    // A deletion redeploys the environment, like a push: followed in the background (redeploys.ts).
    if (await db.pushStep.count({ where: { runId, status: 'succeeded', NOT: { activityIds: { isEmpty: true } } } })) {
      done.push(`The redeploys run on ${productName}; Keywarden follows them in the background.`);
    }
    return ok({ status: openTasks.length ? 'partial' : 'done', message: done.join(' '), openTasks });
  }
}

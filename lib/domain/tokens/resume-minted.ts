// Resuming a push whose token was minted (issue 18.2). A minted token's value lives in one request:
// once that request ended (the push was partial, or the process died half-way), no one can paste it
// again, so R5's "resume with the same token" cannot apply. The resume takes a live token of the
// machine user instead (the bootstrap still works: it is deleted only after a push succeeded), and
// finishes the push the only way that leaves nothing unaccounted for: it mints a fresh token, pushes
// it to every environment of the unfinished push (those that got the unfinished token too), then
// deletes the unfinished token on Platform.sh and supersedes its record — a rotation from the
// unfinished token to the fresh one. That deletion is done before the resumed run closes, its records
// committed with the closing (executeRun's beforeSucceeded, as the bootstrap's). A rotation that was
// interrupted stays one: the fresh token replaces the token it was rotating, and both older ones end
// superseded and deleted.
//
// Every other push resumes as before (push.ts: same token only). This module sits above push.ts and
// mint.ts so that the arrows run one way (STYLE.md).
import { randomUUID } from 'node:crypto';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { isPlatformshError } from '@/lib/platformsh';
import { fingerprintOf } from '@/lib/security/fingerprint';
import { resumePushSchema } from '@/lib/validations/tokens';
import type { RequestContext } from '../context';
import { readPolicy } from '../findings/read-policy';
import { describePlatformshFailure } from '../machine-users/steps';
import { closeInterruptedRuns } from './interrupted';
import { deployToken, type BootstrapUse } from './mint';
import { ANOTHER_PUSH_RUNNING, audit, executeRun, holding, recordIntent, resumePush, verifyIdentity, withTokenClient, type PushOutcome, type RunEnding, type TokenDeps } from './push';
import { forgetRemoteToken } from './remote-tokens';

/** Resumes a push: a minted one with a live token of its machine user, any other with the same token (push.ts). */
export async function resumeAnyPush(context: RequestContext, rawInput: unknown, deps: TokenDeps, options: { bootstrapUse?: BootstrapUse } = {}): Promise<ActionResult<PushOutcome>> {
  const parsed = resumePushSchema.safeParse(rawInput);
  if (parsed.success) {
    const run = await getDb().pushRun.findUnique({ where: { id: parsed.data.runId }, select: { token: { select: { minted: true } } } });
    if (run?.token.minted) return resumeMintedPush(context, parsed.data, deps, options.bootstrapUse);
  }
  return resumePush(context, rawInput, deps);
}

async function resumeMintedPush(context: RequestContext, input: { runId: string; token: string }, deps: TokenDeps, bootstrapUse: BootstrapUse | undefined): Promise<ActionResult<PushOutcome>> {
  const db = getDb();
  const { runId, token } = input;
  const owner = await db.pushRun.findUniqueOrThrow({ where: { id: runId }, select: { machineUserId: true } });
  await closeInterruptedRuns(db, { machineUserId: owner.machineUserId });
  const run = await db.pushRun.findUniqueOrThrow({ where: { id: runId }, include: { token: true, steps: true, machineUser: { include: { project: { select: { id: true, title: true } } } } } });
  if (!authorize(context.actor, 'token.record', { projectId: run.machineUser.projectId }).allowed) {
    await audit(context, { action: 'token.record', outcome: 'refused', reason: 'resume refused', secrets: [token] });
    return fail('forbidden', 'You do not have permission to resume this push.');
  }
  const unfinished = run.token;
  if (run.status !== 'partial' && run.status !== 'failed') return fail('conflict', `This push is ${run.status}: there is nothing to resume.`);
  if (unfinished.status !== 'active') return fail('conflict', `This push was finished by a later one: its unfinished minted token (…${unfinished.lastFour}) is ${unfinished.status}.`);

  return holding(token, async () => {
    const fingerprint = fingerprintOf(token, deps.fingerprintKey);
    const identity = await withTokenClient(deps, token, (asUser) => verifyIdentity(asUser, run.machineUser, context.actor));
    if (!identity.ok) {
      await audit(context, { action: 'token.resume', outcome: 'refused', reason: identity.auditReason, targetId: run.machineUserId, fingerprint, details: { runId } });
      return fail('invalid_input', identity.message, { token: ['Not a live token of this machine user.'] });
    }
    const newRunId = randomUUID();
    await audit(context, { action: 'token.resume', outcome: 'succeeded', targetId: run.machineUserId, fingerprint, details: { step: 'minted_resume', runId, by: newRunId, unfinishedTokenId: unfinished.id } });
    const policy = (await readPolicy(db)).mintDeploymentTokens;
    const machineUser = { id: run.machineUserId, email: run.machineUser.email, projectId: run.machineUser.projectId };
    const bootstrap = { token, fingerprint, info: identity.info };
    // The unfinished push wanted a minted token: its resume mints again (the policy only says whether
    // a refusal to mint is the policy's failure or an admin's choice's).
    // A record's push replaces its unfinished token; a rotation's still replaces the token it rotated.
    const rotatesTokenId = run.rotatesTokenId ?? unfinished.id;
    return deployToken(context, deps, { mint: true, byPolicy: policy, machineUser, userId: identity.userId, runId: newRunId, bootstrap, bootstrapUse }, async (deployment) => {
      const tokenId = await recordIntent(context, {
        action: 'token.rotate',
        machineUserId: run.machineUserId,
        input: { runId: newRunId, token: deployment.token, name: unfinished.name, rotateBy: unfinished.rotateBy.toISOString().slice(0, 10), visibleBuild: run.visibleBuild },
        fingerprint: deployment.fingerprint,
        info: deployment.info,
        rotatesTokenId,
        steps: run.steps.map((step) => ({ projectId: step.projectId, environmentId: step.environmentId, environmentType: step.environmentType, variableName: step.variableName })),
        variableName: deps.dashboard.vendor.tokenVariable,
        details: { step: 'minted_resume', resumes: runId, replacesUnfinished: unfinished.id, environments: run.steps.map((step) => step.environmentId), ...deployment.details },
        link: deployment.link,
      });
      if (!tokenId) return fail('conflict', ANOTHER_PUSH_RUNNING);
      let retired = '';
      const outcome = await executeRun(context, deps, {
        runId: newRunId,
        tokenId,
        token: deployment.token,
        fingerprint: deployment.fingerprint,
        // Every environment holds the fresh token: the pasted bootstrap goes (deployToken), then the
        // unfinished token, with the token just pushed — both while the run is still running, their
        // records committed with its closing (a poller never reads it succeeded with either live).
        beforeSucceeded: async (ended) => {
          const bootstrapCommit = await deployment.beforeSucceeded?.(ended);
          // A record's resume rotates the unfinished token itself: the rotation's end has just deleted it (or tried).
          const deletedByRotation = rotatesTokenId === unfinished.id ? ended.rotation?.oldDeletedAt : undefined;
          const retirement = await endUnfinished(context, deps, { token: deployment.token, userId: identity.userId, unfinishedId: unfinished.id, byTokenId: tokenId, pastedTokenId: identity.info?.id ?? null, deletedByRotation });
          retired = retirement.sentence;
          return async (tx) => {
            await bootstrapCommit?.(tx);
            await retirement.commit(tx);
          };
        },
      });
      if (outcome.status !== 'succeeded') return ok(outcome);
      return ok({ ...outcome, message: `${outcome.message} ${retired}` });
    });
  });
}

/**
 * The unfinished minted token after its push was finished by a fresh one: deleted on Platform.sh
 * (unless the rotation's end already did) while the run is open; `commit` supersedes its record,
 * discards its journal row (once deleted) and audits it.
 */
async function endUnfinished(context: RequestContext, deps: TokenDeps, args: { token: string; userId: string; unfinishedId: string; byTokenId: string; pastedTokenId: string | null; deletedByRotation: Date | undefined }): Promise<Required<RunEnding>> {
  const db = getDb();
  const unfinished = await db.apiToken.findUniqueOrThrow({ where: { id: args.unfinishedId } });
  const first = await endFirstBootstrap(context, deps, { ...args, machineUserId: unfinished.machineUserId });
  let sentence = `The unfinished minted token (…${unfinished.lastFour}) is deleted.`;
  let deletedAt = unfinished.deletedOnPlatformAt ?? args.deletedByRotation ?? null;
  if (!deletedAt && unfinished.platformshTokenId) {
    const platformshTokenId = unfinished.platformshTokenId;
    try {
      await withTokenClient(deps, args.token, (asUser) =>
        asUser.deleteApiToken(args.userId, platformshTokenId).catch((error: unknown) => {
          if (!(isPlatformshError(error) && error.kind === 'not_found')) throw error;
        }),
      );
      await forgetRemoteToken(unfinished.machineUserId, platformshTokenId);
      deletedAt = new Date();
    } catch (error) {
      sentence = `The unfinished minted token (…${unfinished.lastFour}) could not be deleted on ${deps.dashboard.vendor.productName} (${describePlatformshFailure(error)}): delete it in the Console.`;
    }
  }
  return {
    sentence: first ? `${sentence} ${first.sentence}` : sentence,
    commit: async (tx) => {
      await first?.commit?.(tx);
      // A record's resume: the rotation's commit (just before, in this transaction) superseded it already.
      await tx.apiToken.updateMany({ where: { id: unfinished.id, status: 'active' }, data: { status: 'superseded', supersededById: args.byTokenId, statusChangedAt: new Date() } });
      if (deletedAt) {
        await tx.apiToken.updateMany({ where: { id: unfinished.id, deletedOnPlatformAt: null }, data: { deletedOnPlatformAt: deletedAt } });
        await tx.tokenMint.updateMany({ where: { tokenId: unfinished.id }, data: { status: 'discarded' } });
      }
      await recordAudit(tx, {
        actor: context.actor,
        action: 'token.discard_minted',
        outcome: deletedAt ? 'succeeded' : 'failed',
        clientAddress: context.clientAddress,
        target: { type: 'machine_user', id: unfinished.machineUserId },
        tokenFingerprint: unfinished.fingerprint,
        details: { step: 'unfinished_minted_token_retired', tokenId: unfinished.id, by: args.byTokenId, deletedOnPlatform: deletedAt !== null },
      });
    },
  };
}

/**
 * The bootstrap pasted for the unfinished push, when the resume was given another live token: it
 * was kept for the resume, and is not needed any more (the pasted one is deleted by deployToken).
 */
async function endFirstBootstrap(context: RequestContext, deps: TokenDeps, args: { token: string; userId: string; unfinishedId: string; pastedTokenId: string | null; machineUserId: string }): Promise<RunEnding | null> {
  const db = getDb();
  const first = await db.tokenMint.findFirst({ where: { tokenId: args.unfinishedId, bootstrapDeletedAt: null, bootstrapPlatformshTokenId: { not: null } } });
  const firstId = first?.bootstrapPlatformshTokenId;
  if (!first || !firstId || firstId === args.pastedTokenId) return null;
  if (await db.apiToken.count({ where: { machineUserId: args.machineUserId, platformshTokenId: firstId, status: 'active' } })) return null;
  try {
    await withTokenClient(deps, args.token, (asUser) =>
      asUser.deleteApiToken(args.userId, firstId).catch((error: unknown) => {
        if (!(isPlatformshError(error) && error.kind === 'not_found')) throw error;
      }),
    );
    await forgetRemoteToken(args.machineUserId, firstId);
    const deletedAt = new Date();
    return {
      sentence: `The first bootstrap token (…${first.bootstrapLastFour}) is deleted too.`,
      commit: async (tx) => {
        await tx.tokenMint.update({ where: { id: first.id }, data: { bootstrapDeletedAt: deletedAt } });
        await recordAudit(tx, { actor: context.actor, action: 'token.delete_bootstrap', outcome: 'succeeded', clientAddress: context.clientAddress, target: { type: 'machine_user', id: args.machineUserId }, tokenFingerprint: first.bootstrapFingerprint, details: { step: 'bootstrap_deleted', mintId: first.id, platformshTokenId: firstId } });
      },
    };
  } catch (error) {
    return { sentence: `The first bootstrap token (…${first.bootstrapLastFour}) could not be deleted (${describePlatformshFailure(error)}): delete it in the Console.` };
  }
}

// Minted deployment tokens (issue 18.2): no person ever sees the token that runs in production.
// When the organisation policy says so (or an admin chooses it for one push), the token an admin
// pastes to record or rotate is only a *bootstrap*: acting as the machine user, Keywarden asks
// Platform.sh for a fresh API token named for its use, pushes that one, then deletes the bootstrap
// token. The minted value exists in this request's memory only (T1): it is registered for redaction
// the moment it arrives (T3) and never journalled; what is journalled (`token_mints`, L1 before the
// request) is its name, then its Platform.sh id, then the record it became or its deletion.
//
//   mint intent (token_mints: requested) → POST /users/{id}/api-tokens → minted (its id)
//     → the push (record or rotation: push.ts / rotate.ts), which deletes the bootstrap before its run closes.
//
// What can go wrong, and where it ends:
// - Platform.sh refuses the mint (403; the API document does not say that an API-token session may
//   create tokens): the pasted token is pushed instead, the person is told why, and the record and
//   the audit log say that the policy could not be met.
// - The mint's answer is lost (sent, no answer): the token may exist without Keywarden ever seeing
//   its value. It is found by its unique name, deleted, and the mint is asked once more.
// - The push does not finish (partial, or the process dies): the minted value is gone with the
//   request, so the push cannot be resumed "with the same token". Its resume (resume-minted.ts) takes
//   a live token of the machine user, mints a fresh token for every environment of the push, and
//   deletes the unfinished one. The bootstrap is kept until then: it is the live token a person has.
// - The process dies between the mint and its record: the row is `requested` or `minted` without a
//   record; the next mint or resume with a live token of the machine user deletes that token.
import { authorize } from '@/lib/auth/authorize';
import { recordAudit, type AuditAction } from '@/lib/audit/record';
import { getDb, type Prisma } from '@/lib/db';
import { fail, type ActionResult } from '@/lib/errors';
import { isPlatformshError, type ApiTokenInfo, type PlatformshClient } from '@/lib/platformsh';
import { fingerprintOf, lastFourOf } from '@/lib/security/fingerprint';
import { forgetSecret, registerSecret } from '@/lib/security/redact';
import type { MintChoice } from '@/lib/validations/tokens';
import { countOf } from '@/lib/utils';
import type { RequestContext } from '../context';
import { readPolicy } from '../findings/read-policy';
import { describePlatformshFailure, mayHaveApplied } from '../machine-users/steps';
import { INTERRUPTED_AFTER_MS } from './interrupted';
import { forgetRemoteToken, recordRemoteTokens } from './remote-tokens';
import type { BeforeSucceeded, PushOutcome, RunEnding, TokenDeps } from './push';

/** The machine user a mint acts as: its Platform.sh account is proven by the pasted token (T4). */
export interface MintingMachineUser {
  id: string;
  email: string;
  projectId: string;
}

/** The token a push sends: the pasted one, or one minted from it. */
export interface DeploymentToken {
  token: string;
  fingerprint: string;
  info: ApiTokenInfo | undefined;
  /** Run inside the push's intent transaction, once its token record exists (marks it minted, links the journal). */
  link?: (tx: Prisma.TransactionClient, tokenId: string) => Promise<void>;
  /** Added to the intent's audit details. */
  details: Record<string, Prisma.InputJsonValue>;
  /** Given to executeRun: the bootstrap's deletion, while the run is still open (a minted push's, unless its bootstrap is shared). */
  beforeSucceeded?: BeforeSucceeded;
}

export type PushWithToken = (deployment: DeploymentToken) => Promise<ActionResult<PushOutcome>>;

/**
 * "May this caller choose?" — asked of the raw input before anything else (before validation, like
 * every permission, so that the refusal is audited under token.choose_minting whoever asks): a choice
 * that differs from the organisation policy is an admin's alone. Returns the refusal, or null.
 */
export async function refuseMintingChoice(context: RequestContext, rawInput: unknown, pastedField: 'token'): Promise<ReturnType<typeof fail> | null> {
  const raw = typeof rawInput === 'object' && rawInput !== null ? (rawInput as Record<string, unknown>) : {};
  const choice = raw.mint;
  if (choice !== 'mint' && choice !== 'paste') return null;
  const policy = (await readPolicy(getDb())).mintDeploymentTokens;
  if ((choice === 'mint') === policy || authorize(context.actor, 'token.choose_minting').allowed) return null;
  const pasted = raw[pastedField];
  await recordAudit(getDb(), {
    actor: context.actor,
    action: 'token.choose_minting',
    outcome: 'refused',
    reason: `role ${context.actor.role} may not choose otherwise than the policy (${policy ? 'mint' : 'push the pasted token'})`,
    clientAddress: context.clientAddress,
    secrets: typeof pasted === 'string' ? [pasted] : [],
  });
  return fail('forbidden', `The organisation policy says to ${policy ? 'mint a fresh deployment token' : 'push the pasted token'}; only an admin may choose otherwise.`);
}

/**
 * Whether this push mints its token: the organisation policy, unless an admin chose otherwise for
 * this push (refuseMintingChoice has let the choice through) — which is audited as such.
 */
export async function decideMinting(context: RequestContext, choice: MintChoice, target: { machineUserId: string }): Promise<{ mint: boolean; byPolicy: boolean }> {
  const policy = (await readPolicy(getDb())).mintDeploymentTokens;
  const mint = choice === 'policy' ? policy : choice === 'mint';
  if (mint !== policy) {
    await recordAudit(getDb(), {
      actor: context.actor,
      action: 'token.choose_minting',
      outcome: 'succeeded',
      reason: `${mint ? 'mint a deployment token' : 'push the pasted token'} for this push, against the policy`,
      clientAddress: context.clientAddress,
      target: { type: 'machine_user', id: target.machineUserId },
      details: { step: 'minting_chosen', mint, policy },
    });
  }
  return { mint, byPolicy: mint === policy };
}

/** The name a minted token carries on Platform.sh: its use, its day, and its run (unique per machine user). */
export function mintedTokenName(projectId: string, runId: string, attempt: number, now = new Date()): string {
  return `keywarden ${projectId} ${now.toISOString().slice(0, 10)} ${runId.slice(0, 8)}${attempt > 1 ? `-${attempt}` : ''}`;
}

async function auditMint(context: RequestContext, tx: Prisma.TransactionClient | ReturnType<typeof getDb>, entry: { action: AuditAction; outcome: 'succeeded' | 'refused' | 'failed'; machineUserId: string; fingerprint?: string; reason?: string; details: Record<string, Prisma.InputJsonValue> }) {
  await recordAudit(tx, {
    actor: context.actor,
    action: entry.action,
    outcome: entry.outcome,
    reason: entry.reason,
    clientAddress: context.clientAddress,
    target: { type: 'machine_user', id: entry.machineUserId },
    tokenFingerprint: entry.fingerprint,
    details: entry.details,
  });
}

type MintAttempt =
  | { kind: 'minted'; mintId: string; token: string; info: ApiTokenInfo }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; reason: string };

/**
 * Asks Platform.sh for a fresh token of the machine user, journalled: the intent (and its audit row)
 * is committed before the request. A lost answer is settled by the token's name and asked once more.
 * On `minted`, the caller holds the value and must register it for redaction before any await.
 */
async function mintToken(context: RequestContext, asBootstrap: PlatformshClient, mint: { machineUser: MintingMachineUser; userId: string; runId: string; bootstrapFingerprint: string; bootstrapLastFour: string; bootstrapTokenId: string | null }): Promise<MintAttempt> {
  const db = getDb();
  let lastFailure = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const name = mintedTokenName(mint.machineUser.projectId, mint.runId, attempt);
    const row = await db.$transaction(async (tx) => {
      const created = await tx.tokenMint.create({
        data: { machineUserId: mint.machineUser.id, name, bootstrapFingerprint: mint.bootstrapFingerprint, bootstrapLastFour: mint.bootstrapLastFour, bootstrapPlatformshTokenId: mint.bootstrapTokenId, requestedById: context.actor.id },
      });
      await auditMint(context, tx, { action: 'token.mint', outcome: 'succeeded', machineUserId: mint.machineUser.id, fingerprint: mint.bootstrapFingerprint, details: { step: 'mint_requested', mintId: created.id, name, runId: mint.runId } });
      return created;
    });
    let created: { info: ApiTokenInfo; token: string };
    try {
      created = await asBootstrap.createApiToken(mint.userId, name);
    } catch (error) {
      const reason = describePlatformshFailure(error);
      if (isPlatformshError(error) && error.kind === 'forbidden') {
        await db.$transaction(async (tx) => {
          await tx.tokenMint.update({ where: { id: row.id }, data: { status: 'refused', error: reason } });
          await auditMint(context, tx, { action: 'token.mint', outcome: 'refused', machineUserId: mint.machineUser.id, fingerprint: mint.bootstrapFingerprint, reason, details: { step: 'mint_refused', mintId: row.id, name } });
        });
        return { kind: 'refused', reason };
      }
      if (isPlatformshError(error) && mayHaveApplied(error)) {
        // The token may exist, its value never seen: it can never be pushed, so it is deleted.
        await settleByName(context, asBootstrap, mint.userId, row, reason);
        lastFailure = reason;
        continue;
      }
      await db.$transaction(async (tx) => {
        await tx.tokenMint.update({ where: { id: row.id }, data: { status: 'failed', error: reason } });
        await auditMint(context, tx, { action: 'token.mint', outcome: 'failed', machineUserId: mint.machineUser.id, fingerprint: mint.bootstrapFingerprint, reason, details: { step: 'mint_failed', mintId: row.id, name } });
      });
      return { kind: 'failed', reason };
    }
    // The value is in hand from here on: nothing may log it (T3), and the journal keeps its id only.
    registerSecret(created.token);
    try {
      await db.tokenMint.update({ where: { id: row.id }, data: { status: 'minted', platformshTokenId: created.info.id } });
    } catch (error) {
      forgetSecret(created.token);
      throw error;
    }
    return { kind: 'minted', mintId: row.id, token: created.token, info: created.info };
  }
  return { kind: 'failed', reason: `${asBootstrap.vendor.productName} did not answer the mint twice (${lastFailure}); any token it made was found and deleted` };
}

/**
 * A mint whose answer never arrived: the token is looked for by its name and deleted (its value
 * was never seen, so it can serve no one). Without an answer to the list either, the row stays
 * `requested`, and the next mint or resume with a live token of the machine user settles it.
 */
async function settleByName(context: RequestContext, asUser: PlatformshClient, userId: string, row: { id: string; machineUserId: string; name: string; platformshTokenId: string | null }, why: string): Promise<void> {
  const db = getDb();
  try {
    const found = row.platformshTokenId ? { id: row.platformshTokenId } : (await asUser.listApiTokens(userId)).find((token) => token.name === row.name);
    if (found) {
      await asUser.deleteApiToken(userId, found.id).catch((error: unknown) => {
        if (!(isPlatformshError(error) && error.kind === 'not_found')) throw error;
      });
      await forgetRemoteToken(row.machineUserId, found.id);
    }
    await db.$transaction(async (tx) => {
      await tx.tokenMint.update({ where: { id: row.id }, data: { status: found ? 'discarded' : 'failed', platformshTokenId: found?.id ?? null, error: why } });
      await auditMint(context, tx, {
        action: 'token.discard_minted',
        outcome: 'succeeded',
        machineUserId: row.machineUserId,
        reason: why,
        details: { step: found ? 'minted_token_deleted' : 'mint_never_applied', mintId: row.id, name: row.name, ...(found ? { platformshTokenId: found.id } : {}) },
      });
    });
  } catch (error) {
    await db.tokenMint.update({ where: { id: row.id }, data: { error: `${why}; the check failed too (${describePlatformshFailure(error)}). A live token of the machine user settles it.` } });
  }
}

/**
 * Mints that a crash or a lost answer left without a record (`requested`, or `minted` with no
 * record, older than a running request could be): each is found on Platform.sh and deleted, with a
 * live token of the machine user in hand. Returns how many were settled.
 */
export async function settleUnaccountedMints(context: RequestContext, asUser: PlatformshClient, machineUserId: string, userId: string, now = new Date()): Promise<number> {
  const db = getDb();
  const stale = new Date(now.getTime() - INTERRUPTED_AFTER_MS);
  const rows = await db.tokenMint.findMany({ where: { machineUserId, updatedAt: { lt: stale }, OR: [{ status: 'requested' }, { status: 'minted', tokenId: null }] } });
  for (const row of rows) await settleByName(context, asUser, userId, row, 'Keywarden stopped before this minted token was recorded; its value is gone, so it was deleted.');
  return rows.length;
}

/** Whether a token of `platformshTokenId` is a live Keywarden record other than the ones named: never deleted as a bootstrap. */
async function isRecordedActive(machineUserId: string, platformshTokenId: string): Promise<boolean> {
  return (await getDb().apiToken.count({ where: { machineUserId, platformshTokenId, status: 'active' } })) > 0;
}

/**
 * Deletes the bootstrap token on Platform.sh with the minted token's identity once the minted one is
 * on every environment, and refreshes the machine user's token list (the minted token shows with its
 * record). Its journal and audit row are `commit`ted by the caller: a push commits them with the
 * closing of its run, so that a run read as succeeded never has its bootstrap still live.
 */
export async function endBootstrap(context: RequestContext, asMinted: PlatformshClient, args: { mintId?: string; machineUserId: string; userId: string; bootstrapTokenId: string | null; bootstrapLastFour: string; bootstrapFingerprint: string; productName: string }): Promise<RunEnding> {
  const { bootstrapTokenId } = args;
  let ending: RunEnding;
  if (!bootstrapTokenId) {
    ending = { sentence: `Keywarden could not tell the pasted token’s id on ${args.productName}: delete it (…${args.bootstrapLastFour}) in the machine user’s Console.` };
  } else if (await isRecordedActive(args.machineUserId, bootstrapTokenId)) {
    // The pasted token is one Keywarden pushed and still tracks: it is not a throw-away bootstrap.
    ending = { sentence: `The pasted token (…${args.bootstrapLastFour}) is an active token Keywarden pushed, so it was kept.` };
  } else {
    const details = { ...(args.mintId ? { mintId: args.mintId } : {}), platformshTokenId: bootstrapTokenId };
    try {
      await asMinted.deleteApiToken(args.userId, bootstrapTokenId).catch((error: unknown) => {
        if (!(isPlatformshError(error) && error.kind === 'not_found')) throw error;
      });
      await forgetRemoteToken(args.machineUserId, bootstrapTokenId);
      const deletedAt = new Date();
      ending = {
        sentence: `The pasted bootstrap token (…${args.bootstrapLastFour}) is deleted on ${args.productName}: the token on the environments was never on a screen.`,
        commit: async (tx) => {
          // Every mint this bootstrap made (one, or a bulk rotation's several) records its deletion.
          await tx.tokenMint.updateMany({ where: { machineUserId: args.machineUserId, bootstrapFingerprint: args.bootstrapFingerprint, bootstrapDeletedAt: null }, data: { bootstrapDeletedAt: deletedAt } });
          await auditMint(context, tx, { action: 'token.delete_bootstrap', outcome: 'succeeded', machineUserId: args.machineUserId, fingerprint: args.bootstrapFingerprint, details: { step: 'bootstrap_deleted', ...details } });
        },
      };
    } catch (error) {
      const reason = describePlatformshFailure(error);
      ending = {
        sentence: `The pasted bootstrap token (…${args.bootstrapLastFour}) could not be deleted on ${args.productName} (${reason}): delete it in the machine user’s Console.`,
        commit: (tx) => auditMint(context, tx, { action: 'token.delete_bootstrap', outcome: 'failed', machineUserId: args.machineUserId, fingerprint: args.bootstrapFingerprint, reason, details: { step: 'bootstrap_not_deleted', ...details } }),
      };
    }
  }
  // The list as it is now (the minted token, linked to its record; the bootstrap gone): metadata only.
  const tokens = await asMinted.listApiTokens(args.userId).catch(() => undefined);
  if (tokens) await recordRemoteTokens(args.machineUserId, tokens);
  return ending;
}

/** endBootstrap, recorded at once (outside a push run: a bulk rotation's bootstraps). Returns a sentence for the person. */
export async function deleteBootstrap(context: RequestContext, asMinted: PlatformshClient, args: Parameters<typeof endBootstrap>[2]): Promise<string> {
  const { sentence, commit } = await endBootstrap(context, asMinted, args);
  if (commit) await getDb().$transaction((tx) => commit(tx));
  return sentence;
}

/** Deletes a minted token that will not be pushed (its push was refused before it began): it must not linger. */
async function discardMinted(context: RequestContext, asMinted: PlatformshClient, args: { mintId: string; machineUserId: string; userId: string; platformshTokenId: string; why: string }): Promise<void> {
  const db = getDb();
  let deleted = true;
  await asMinted.deleteApiToken(args.userId, args.platformshTokenId).catch((error: unknown) => {
    deleted = isPlatformshError(error) && error.kind === 'not_found';
  });
  await db.$transaction(async (tx) => {
    await tx.tokenMint.update({ where: { id: args.mintId }, data: deleted ? { status: 'discarded', error: args.why } : { error: `${args.why}; deleting it failed — a live token of the machine user settles it.` } });
    await auditMint(context, tx, { action: 'token.discard_minted', outcome: deleted ? 'succeeded' : 'failed', machineUserId: args.machineUserId, reason: args.why, details: { step: 'minted_token_deleted', mintId: args.mintId, platformshTokenId: args.platformshTokenId } });
  });
  if (deleted) await forgetRemoteToken(args.machineUserId, args.platformshTokenId);
}

/** The message of a minted push that did not reach every environment: how it is finished. */
async function unfinishedMessage(runId: string, machineUserEmail: string, bootstrapLastFour: string): Promise<string> {
  const steps = await getDb().pushStep.findMany({ where: { runId }, select: { status: true } });
  const done = steps.filter((step) => step.status === 'succeeded').length;
  return `The minted token reached ${done} of ${countOf(steps.length, 'environment')}; its value left with this request, as it must. Paste a live token of ${machineUserEmail} to finish (the pasted one, …${bootstrapLastFour}, still works): Keywarden mints a fresh token for every environment of this push and deletes the unfinished one.`;
}

/**
 * How the pasted token serves: `once` (one push: deleted after it succeeded; a refused mint falls
 * back to pushing it), or `shared` by a bulk rotation (incidents/rotation.ts) — kept for the machine
 * user's next mint (the run deletes it when the machine user is done), and a refused mint stops:
 * a bootstrap is never what the environments get.
 */
export type BootstrapUse = 'once' | 'shared';

/** Whether a mint of this machine user was refused (403) since `since`: the journal says, not a message. */
export async function mintRefusedSince(machineUserId: string, since: Date): Promise<string | null> {
  const row = await getDb().tokenMint.findFirst({ where: { machineUserId, status: 'refused', createdAt: { gte: since } }, orderBy: { createdAt: 'desc' }, select: { error: true } });
  return row ? (row.error ?? 'refused') : null;
}

/**
 * Pushes a deployment token: the pasted one, or — when `mint` — one minted from it, which is then
 * the only one the environments get; the pasted one is deleted once the push succeeded (unless it is
 * `shared`). `push` is the flow's own intent-and-run (record or rotation), given the token to send.
 */
export async function deployToken(
  context: RequestContext,
  deps: TokenDeps,
  args: { mint: boolean; byPolicy: boolean; machineUser: MintingMachineUser; userId: string; runId: string; bootstrap: { token: string; fingerprint: string; info: ApiTokenInfo | undefined }; bootstrapUse?: BootstrapUse },
  push: PushWithToken,
): Promise<ActionResult<PushOutcome>> {
  const isShared = args.bootstrapUse === 'shared';
  const { bootstrap, machineUser } = args;
  const policyWanted = args.mint && args.byPolicy;
  if (!args.mint) return push({ token: bootstrap.token, fingerprint: bootstrap.fingerprint, info: bootstrap.info, details: { minted: false } });

  const productName = deps.dashboard.vendor.productName;
  const bootstrapLastFour = lastFourOf(bootstrap.token);
  const asBootstrap = deps.clientForToken(bootstrap.token);
  let attempt: MintAttempt;
  try {
    await settleUnaccountedMints(context, asBootstrap, machineUser.id, args.userId);
    attempt = await mintToken(context, asBootstrap, { machineUser, userId: args.userId, runId: args.runId, bootstrapFingerprint: bootstrap.fingerprint, bootstrapLastFour, bootstrapTokenId: bootstrap.info?.id ?? null });
  } finally {
    asBootstrap.dispose();
  }

  if (attempt.kind === 'failed') return fail('conflict', `${productName} did not mint a deployment token (${attempt.reason}). Nothing was pushed; the pasted token is unchanged. Try again, or choose to push the pasted token.`);
  if (attempt.kind === 'refused' && isShared) {
    return fail('forbidden', `${productName} refused to mint a deployment token as ${machineUser.email} (${attempt.reason}). Nothing was pushed for this token; the bootstrap token is not pushed in its place.`);
  }
  if (attempt.kind === 'refused') {
    // Fall back to the pasted token; the record says the policy (or the admin's choice) was not met.
    const unmet = `${productName} refused to mint a deployment token (${attempt.reason}); the pasted token was pushed instead.`;
    const result = await push({
      token: bootstrap.token,
      fingerprint: bootstrap.fingerprint,
      info: bootstrap.info,
      details: { minted: false, mintRefused: attempt.reason, policyUnmet: policyWanted },
      link: (tx, tokenId) => tx.apiToken.update({ where: { id: tokenId }, data: { mintPolicyUnmet: unmet } }).then(() => undefined),
    });
    return result.ok ? { ok: true, data: { ...result.data, message: `${unmet} ${policyWanted ? 'The organisation policy to mint deployment tokens could not be met; the token’s record says so. ' : ''}${result.data.message}` } } : result;
  }

  const minted = attempt;
  const asMinted = deps.clientForToken(minted.token);
  try {
    const fingerprint = fingerprintOf(minted.token, deps.fingerprintKey);
    let recorded = false;
    let deletion = '';
    let result: ActionResult<PushOutcome>;
    try {
      result = await push({
        token: minted.token,
        fingerprint,
        info: minted.info,
        details: { minted: true, mintId: minted.mintId, mintedName: minted.info.name, bootstrapLastFour },
        link: async (tx, tokenId) => {
          recorded = true;
          await tx.apiToken.update({ where: { id: tokenId }, data: { minted: true } });
          await tx.tokenMint.update({ where: { id: minted.mintId }, data: { tokenId } });
        },
        // Once the minted token is on every environment, the bootstrap goes while the run is still
        // running: its deletion is committed with the run's closing (a poller never reads the run
        // succeeded with the bootstrap live). A failed deletion is said and audited; the push stands.
        beforeSucceeded: isShared
          ? undefined
          : async () => {
              const ending = await endBootstrap(context, asMinted, { mintId: minted.mintId, machineUserId: machineUser.id, userId: args.userId, bootstrapTokenId: bootstrap.info?.id ?? null, bootstrapLastFour, bootstrapFingerprint: bootstrap.fingerprint, productName });
              deletion = ending.sentence;
              return ending.commit;
            },
      });
    } catch (error) {
      if (!recorded) await discardMinted(context, asMinted, { mintId: minted.mintId, machineUserId: machineUser.id, userId: args.userId, platformshTokenId: minted.info.id, why: 'The push failed before it was recorded.' }).catch(() => undefined);
      throw error;
    }
    if (!result.ok) {
      if (!recorded) await discardMinted(context, asMinted, { mintId: minted.mintId, machineUserId: machineUser.id, userId: args.userId, platformshTokenId: minted.info.id, why: `The push was refused: ${result.error.message}` });
      return result;
    }
    if (result.data.status !== 'succeeded') {
      return { ok: true, data: { ...result.data, message: await unfinishedMessage(result.data.runId, machineUser.email, bootstrapLastFour) } };
    }
    if (isShared) return { ok: true, data: { ...result.data, message: `A fresh deployment token “${minted.info.name}” (…${lastFourOf(minted.token)}) was minted for this push. ${result.data.message}` } };
    return { ok: true, data: { ...result.data, message: `A fresh deployment token “${minted.info.name}” (…${lastFourOf(minted.token)}) was minted for this push. ${result.data.message} ${deletion}` } };
  } finally {
    asMinted.dispose();
    forgetSecret(minted.token);
  }
}

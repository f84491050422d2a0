// Record a machine user's API token once and push it to environments as `env:PLATFORMSH_CLI_TOKEN`
// (`env:UPSUN_CLI_TOKEN` when the connection's vendor is Upsun; the name is journalled per step)
// (issue 5; SECURITY.md T1–T5, R4–R6, R8, L1). The token value lives in this request only: it is
// registered for redaction while in hand, proven (exchanged, identity checked), fingerprinted,
// pushed, and dropped. What is stored: the fingerprint, the last four characters, metadata, and a
// journal with one step per environment.
//
//   verify → check the targets (R8) → record intent: token, run, steps (L1; one running push per
//   machine user, R6) → run the steps a few at a time → close the run (succeeded, or partial: resumable
//   with the same token, R5).
import type { z } from 'zod';
import { authorize, type Actor } from '@/lib/auth/authorize';
import { recordAudit, type AuditAction } from '@/lib/audit/record';
import { getDb, Prisma } from '@/lib/db';
import { fail, fieldErrorsOf, isUniqueViolation, ok, type ActionResult } from '@/lib/errors';
import pLimit, { type LimitFunction } from 'p-limit';
import { isPlatformshError, type ApiTokenInfo, type PlatformshClient, type Variable, type VendorProfile } from '@/lib/platformsh';
import { fingerprintOf, lastFourOf, sameFingerprint } from '@/lib/security/fingerprint';
import { forgetSecret, registerSecret } from '@/lib/security/redact';
import { DEFAULT_ROTATE_AFTER_DAYS, recordTokenSchema, resumePushSchema } from '@/lib/validations/tokens';
import { countOf } from '@/lib/utils';
import type { RequestContext } from '../context';
import { pushedVariable } from '../inventory/own-writes';
import { closeInterruptedRuns, keepRunAlive } from './interrupted';
import { decideMinting, deployToken, refuseMintingChoice } from './mint';
import { describeRecordedAgain } from './recorded-again';
import { recordRemoteTokens } from './remote-tokens';
import { describePlatformshFailure, mayHaveApplied } from '../machine-users/steps';
import { endRotation, type RotationEnd } from './rotate';
import { StepJournal, type JournalEntry } from './step-journal';

/** What the token actions need from outside: the API (as the dashboard, and as a pasted token) and the fingerprint key. */
export interface TokenDeps {
  dashboard: PlatformshClient;
  clientForToken: (token: string) => PlatformshClient;
  fingerprintKey: string;
  /** Environments pushed to at once (PLATFORMSH_PUSH_CONCURRENCY; PUSH_CONCURRENCY when unset). */
  pushConcurrency?: number;
  /**
   * Told when a run's intent is committed and its steps are about to run (record, rotate, resume):
   * the REST API answers 202 then, while the push goes on in this process (lib/api/write-operations.ts).
   */
  onRunStarted?: (run: { runId: string; tokenId: string }) => void;
}

/** Environments pushed to at once by default (each push redeploys its environment; Platform.sh paces them too). */
export const PUSH_CONCURRENCY = 4;

export interface PushOutcome {
  runId: string;
  tokenId: string;
  status: 'succeeded' | 'partial' | 'failed';
  message: string;
}

/** The records of work already done on Platform.sh, committed in the transaction that closes a push run. */
export type RunCommit = (tx: Prisma.TransactionClient) => Promise<void>;

/** A piece of a run's end, done on Platform.sh: a sentence for the person, and its records to commit with the run's closing. */
export interface RunEnding {
  sentence: string;
  commit?: RunCommit;
}

/**
 * What a run does once every step succeeded, before it closes (still running, its heartbeat alive):
 * a minted push deletes its bootstrap token (mint.ts), a minted resume its unfinished minted token
 * (resume-minted.ts). It is given the rotation's end, already done on Platform.sh (a rotation run's).
 * What it returns is committed with the run's closing (after the rotation's commit), so that a
 * poller never reads the run succeeded with that work still to do.
 */
export type BeforeSucceeded = (ended: { rotation?: RotationEnd }) => Promise<RunCommit | undefined>;

export type MachineUserRow = NonNullable<Awaited<ReturnType<typeof loadMachineUser>>>;

export function loadMachineUser(machineUserId: string) {
  return getDb().machineUser.findUnique({ where: { id: machineUserId }, include: { project: { select: { id: true, title: true } } } });
}

/** Holds the token for redaction while `work` runs, then forgets it (T3). */
export async function holding<T>(token: string, work: () => Promise<T>): Promise<T> {
  registerSecret(token);
  try {
    return await work();
  } finally {
    forgetSecret(token);
  }
}

export async function audit(context: RequestContext, entry: { action: AuditAction; outcome: 'succeeded' | 'refused' | 'invalid' | 'failed'; reason?: string; targetId?: string; fingerprint?: string; details?: Prisma.InputJsonValue; secrets?: string[] }) {
  await recordAudit(getDb(), {
    actor: context.actor,
    action: entry.action,
    outcome: entry.outcome,
    reason: entry.reason,
    clientAddress: context.clientAddress,
    target: entry.targetId ? { type: 'machine_user', id: entry.targetId } : undefined,
    tokenFingerprint: entry.fingerprint,
    details: entry.details,
    secrets: entry.secrets,
  });
}

/** Runs `work` with an API client acting as the pasted token (one exchange), then disposes of it. */
export async function withTokenClient<T>(deps: TokenDeps, token: string, work: (asUser: PlatformshClient) => Promise<T>): Promise<T> {
  const asUser = deps.clientForToken(token);
  try {
    return await work(asUser);
  } finally {
    asUser.dispose();
  }
}

/**
 * Whether the caller may be told about the machine users of another account or record: an
 * onboarder sees only the projects assigned to them, so a name or address from elsewhere (it often
 * carries the project's id) would tell them what a token they hold is for (token.lookup is denied
 * to them).
 */
async function mayReadEveryMachineUserOf(actor: Actor, where: Prisma.MachineUserWhereInput): Promise<boolean> {
  const projects = await getDb().machineUser.findMany({ where, select: { projectId: true }, distinct: ['projectId'] });
  return projects.every(({ projectId }) => authorize(actor, 'machine_user.read', { projectId }).allowed);
}

export type IdentityCheck = { ok: true; userId: string; info: ApiTokenInfo | undefined } | { ok: false; message: string; auditReason: string };

/**
 * T4: the token behind `asUser` must be a live token of this very machine user. Returns its account
 * id and its metadata from the user's token list (read while the token is in hand): the one just
 * used is the newest `last_used_at`. This comes before any comparison with Keywarden's records, so
 * that pasting a string never tells its holder more than Platform.sh itself would.
 *
 * A refusal names the token's account to `viewer` unless that account is a machine user of a
 * project `viewer` may not read; the audit row (`auditReason`) always names it.
 */
export async function verifyIdentity(asUser: PlatformshClient, machineUser: MachineUserRow, viewer: Actor): Promise<IdentityCheck> {
  try {
    const me = await asUser.getCurrentUser();
    if (me.id !== machineUser.platformshUserId) {
      const precise = `This token belongs to ${me.email}, not to ${machineUser.email}. Nothing was pushed.`;
      const mayKnow = await mayReadEveryMachineUserOf(viewer, { OR: [{ platformshUserId: me.id }, { email: me.email.toLowerCase() }] });
      return { ok: false, message: mayKnow ? precise : `This token belongs to another ${asUser.vendor.productName} account, not to ${machineUser.email}. Nothing was pushed.`, auditReason: precise };
    }
    // The list is metadata, not the proof: a failed read leaves the last-seen list as it was.
    const tokens = await asUser.listApiTokens(me.id).catch(() => undefined);
    if (tokens) await recordRemoteTokens(machineUser.id, tokens);
    const newest = [...(tokens ?? [])].sort((a, b) => (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? ''))[0];
    return { ok: true, userId: me.id, info: newest };
  } catch (error) {
    if (isPlatformshError(error) && error.kind === 'unauthorized') {
      const message = `${asUser.vendor.productName} did not accept this token: it may be mistyped, revoked, or from another vendor. Nothing was pushed.`;
      return { ok: false, message, auditReason: message };
    }
    throw error;
  }
}

/**
 * After T4 has passed: why a proven token of `machineUserId` cannot be recorded again, or null when
 * Keywarden has no record of it. Another record can only be the same Platform.sh account serving
 * another project (an address reused with an admin's reason); it is named only to a caller who may
 * read it.
 */
export async function recordedAlready(viewer: Actor, fingerprint: string, machineUserId: string, vendor: VendorProfile): Promise<{ message: string; auditReason: string } | null> {
  const known = await getDb().apiToken.findUnique({ where: { fingerprint }, include: { machineUser: { select: { email: true, projectId: true, project: { select: { title: true } } } } } });
  if (!known) return null;
  if (known.machineUserId === machineUserId) {
    // Its state and what to do: never "resume the run" when there is none (issue 14.5).
    const message = await describeRecordedAgain(known, vendor);
    return { message, auditReason: message };
  }
  const precise = `This token is already recorded for ${known.machineUser.email} on ${known.machineUser.project.title} (${known.machineUser.projectId}).`;
  const mayKnow = authorize(viewer, 'token.read', { projectId: known.machineUser.projectId }).allowed;
  return { message: mayKnow ? precise : 'This token is already recorded in Keywarden, for a machine user you cannot see. Ask an admin.', auditReason: precise };
}

/** Deletes the environment's own variable `name`; one already gone is fine. The activities the deletion started. */
async function deleteOwnVariable(client: PlatformshClient, projectId: string, environmentId: string, name: string): Promise<string[]> {
  try {
    return (await client.deleteEnvironmentVariable(projectId, environmentId, name)).activityIds;
  } catch (error) {
    if (!(isPlatformshError(error) && error.kind === 'not_found')) throw error;
    return [];
  }
}

/** The environment's own variable `name` (not one inherited from a parent), or null. */
async function ownVariable(client: PlatformshClient, projectId: string, environmentId: string, name: string): Promise<Variable | null> {
  try {
    const variable = await client.getEnvironmentVariable(projectId, environmentId, name);
    return variable.inherited ? null : variable;
  } catch (error) {
    if (isPlatformshError(error) && error.kind === 'not_found') return null;
    throw error;
  }
}

/** Environments where this machine user's tokens were pushed before under `name`: Keywarden owns those variables. */
async function ownedEnvironments(machineUserId: string, projectId: string, name: string): Promise<Set<string>> {
  const steps = await getDb().pushStep.findMany({ where: { projectId, status: 'succeeded', variableName: name, run: { machineUserId } }, select: { environmentId: true }, distinct: ['environmentId'] });
  return new Set(steps.map((step) => step.environmentId));
}

/** The pasted value of `field` in raw (maybe invalid) input, to redact from an audit row of that input. */
export function pastedValues(rawInput: unknown, field: string): string[] {
  const value = typeof rawInput === 'object' && rawInput !== null ? (rawInput as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? [value] : [];
}

type Failure = ReturnType<typeof fail>;

/**
 * The opening every token action shares: parse the input, audit an invalid one with the pasted value
 * redacted (even when the rest is invalid), load the target and authorize `token.record` on its
 * project, auditing a refusal too. Nothing is written to Platform.sh before this has passed.
 */
export async function openTokenAction<Input, Target>(
  context: RequestContext,
  rawInput: unknown,
  opening: {
    schema: z.ZodType<Input>;
    /** The field holding a pasted token. */
    pastedField: 'token' | 'liveToken';
    /** Names the action in the audit's reasons: "recording", "rotation", "revocation". */
    name: string;
    load: (input: Input) => Promise<Target | null>;
    scope: (target: Target) => { projectId: string; machineUserId: string };
    forbidden: string;
  },
): Promise<{ ok: true; input: Input; target: Target } | { ok: false; failure: Failure }> {
  const pasted = pastedValues(rawInput, opening.pastedField);
  const parsed = opening.schema.safeParse(rawInput);
  if (!parsed.success) {
    await audit(context, { action: 'token.record', outcome: 'invalid', reason: `${opening.name} input failed validation`, secrets: pasted });
    return { ok: false, failure: fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error)) };
  }
  const target = await opening.load(parsed.data);
  const scope = target ? opening.scope(target) : undefined;
  if (!target || !scope || !authorize(context.actor, 'token.record', { projectId: scope.projectId }).allowed) {
    await audit(context, {
      action: 'token.record',
      outcome: 'refused',
      reason: scope ? `${opening.name} refused: project ${scope.projectId} is not assigned, or role ${context.actor.role} may not record tokens` : `${opening.name} refused: unknown target`,
      targetId: scope?.machineUserId,
      secrets: pasted,
    });
    return { ok: false, failure: fail('forbidden', opening.forbidden) };
  }
  return { ok: true, input: parsed.data, target };
}

/** A new token record: fingerprint, last four, rotate-by (policy default) and what Platform.sh said of it. */
function tokenRecordData(
  context: RequestContext,
  machineUserId: string,
  input: { token: string; name: string; rotateBy?: string },
  fingerprint: string,
  info: ApiTokenInfo | undefined,
) {
  return {
    machineUserId,
    name: input.name,
    fingerprint,
    lastFour: lastFourOf(input.token),
    rotateBy: input.rotateBy ? new Date(`${input.rotateBy}T00:00:00Z`) : new Date(Date.now() + DEFAULT_ROTATE_AFTER_DAYS * 86_400_000),
    platformshTokenId: info?.id ?? null,
    remoteCreatedAt: info?.createdAt ? new Date(info.createdAt) : null,
    lastUsedAt: info?.lastUsedAt ? new Date(info.lastUsedAt) : null,
    lastUsedSeenAt: info ? new Date() : null,
    mfaOnCreation: info?.mfaOnCreation ?? null,
    recordedById: context.actor.id,
  };
}

export const ANOTHER_PUSH_RUNNING = 'Another push for this machine user is running. Wait for it to finish, then try again.';

/**
 * L1: the intent (the token record, its run with one pending step per environment, and the audit
 * row) is committed in one transaction before anything is written to Platform.sh. Returns the new
 * record's id, or null when another push of the machine user holds its slot (R6).
 */
export async function recordIntent(
  context: RequestContext,
  intent: {
    machineUserId: string;
    input: { runId: string; token: string; name: string; rotateBy?: string; visibleBuild: boolean };
    fingerprint: string;
    info: ApiTokenInfo | undefined;
    /** A rotation: the token the run replaces. */
    rotatesTokenId?: string;
    /** The audited operation: recording a token, or rotating one (lib/audit/actions.ts). */
    action: 'token.record' | 'token.rotate';
    /** A step without its own `variableName` sets `variableName`. */
    steps: { projectId: string; environmentId: string; environmentType: string; replacedForeign?: boolean; variableName?: string }[];
    /** The variable the steps set: the connection's vendor's name (`client.vendor.tokenVariable`). */
    variableName: string;
    details: Record<string, Prisma.InputJsonValue>;
    /** Also written in the intent's transaction, once the record exists (a minted token's marks, mint.ts). */
    link?: (tx: Prisma.TransactionClient, tokenId: string) => Promise<void>;
  },
): Promise<string | null> {
  const { machineUserId, input, fingerprint } = intent;
  try {
    return await getDb().$transaction(async (tx) => {
      const token = await tx.apiToken.create({ data: tokenRecordData(context, machineUserId, input, fingerprint, intent.info) });
      await tx.pushRun.create({
        data: {
          id: input.runId,
          machineUserId,
          tokenId: token.id,
          rotatesTokenId: intent.rotatesTokenId,
          activeMachineUserId: machineUserId,
          visibleBuild: input.visibleBuild,
          startedById: context.actor.id,
          steps: { create: intent.steps.map((step) => ({ ...step, variableName: step.variableName ?? intent.variableName })) },
        },
      });
      await intent.link?.(tx, token.id);
      await recordAudit(tx, {
        actor: context.actor,
        action: intent.action,
        outcome: 'succeeded',
        clientAddress: context.clientAddress,
        target: { type: 'machine_user', id: machineUserId },
        tokenFingerprint: fingerprint,
        details: { ...intent.details, runId: input.runId, tokenId: token.id },
      });
      return token.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

export async function recordAndPushToken(context: RequestContext, rawInput: unknown, deps: TokenDeps): Promise<ActionResult<PushOutcome>> {
  const db = getDb();
  const refusedChoice = await refuseMintingChoice(context, rawInput, 'token');
  if (refusedChoice) return refusedChoice;
  const opened = await openTokenAction(context, rawInput, {
    schema: recordTokenSchema,
    pastedField: 'token',
    name: 'recording',
    load: (input) => loadMachineUser(input.machineUserId),
    scope: (machineUser) => ({ projectId: machineUser.projectId, machineUserId: machineUser.id }),
    forbidden: 'You do not have permission to record tokens for this machine user.',
  });
  if (!opened.ok) return opened.failure;
  const { input, target: machineUser } = opened;
  if (machineUser.state !== 'active' || !machineUser.platformshUserId) {
    return fail('conflict', 'This machine user has not accepted its invitation yet: its token cannot exist before.');
  }
  // Minted or pasted (issue 18.2): settled before Platform.sh is asked anything.
  const minting = await decideMinting(context, input.mint, { machineUserId: machineUser.id });
  // A push a crash left "running" would otherwise hold the machine user's slot for ever.
  await closeInterruptedRuns(db, { machineUserId: machineUser.id });

  return holding(input.token, async () => {
    const fingerprint = fingerprintOf(input.token, deps.fingerprintKey);
    const refuse = async (message: string, code: 'forbidden' | 'conflict' | 'invalid_input' = 'conflict', auditReason = message) => {
      await audit(context, { action: 'token.record', outcome: 'refused', reason: auditReason, targetId: machineUser.id, fingerprint });
      return fail(code, message);
    };
    // Identity first (T4): a string that is not this machine user's token is refused as such, never
    // compared with the records of other machine users (that would be the lookup, denied to onboarders).
    const identity = await withTokenClient(deps, input.token, (asUser) => verifyIdentity(asUser, machineUser, context.actor));
    if (!identity.ok) return refuse(identity.message, 'invalid_input', identity.auditReason);
    const recorded = await recordedAlready(context.actor, fingerprint, machineUser.id, deps.dashboard.vendor);
    if (recorded) return refuse(recorded.message, 'conflict', recorded.auditReason);

    // R8: a variable Keywarden did not push is replaced only with the person's explicit consent.
    const environments = await db.environment.findMany({ where: { projectId: machineUser.projectId, id: { in: input.environmentIds } } });
    if (environments.length !== new Set(input.environmentIds).size) return fail('invalid_input', 'Some environments are unknown: sync the project and try again.', { environmentIds: ['Unknown environment.'] });
    const variableName = deps.dashboard.vendor.tokenVariable;
    const owned = await ownedEnvironments(machineUser.id, machineUser.projectId, variableName);
    const existing = await Promise.all(environments.map(async (environment) => ({ environment, variable: await ownVariable(deps.dashboard, machineUser.projectId, environment.id, variableName) })));
    const foreign = existing.filter(({ environment, variable }) => variable && !owned.has(environment.id)).map(({ environment }) => environment.id);
    const unconfirmed = foreign.filter((id) => !input.confirmReplace.includes(id));
    if (unconfirmed.length > 0) {
      return fail('conflict', `${unconfirmed.join(', ')} already ${unconfirmed.length === 1 ? 'has' : 'have'} an ${variableName} that Keywarden did not push. Confirm that it may be replaced.`, {
        confirmReplace: unconfirmed,
      });
    }

    const bootstrap = { token: input.token, fingerprint, info: identity.info };
    return deployToken(context, deps, { ...minting, machineUser, userId: identity.userId, runId: input.runId, bootstrap }, async (deployment) => {
      const tokenId = await recordIntent(context, {
        action: 'token.record',
        machineUserId: machineUser.id,
        input: { ...input, token: deployment.token },
        fingerprint: deployment.fingerprint,
        info: deployment.info,
        steps: environments.map((environment) => ({ projectId: machineUser.projectId, environmentId: environment.id, environmentType: environment.type, replacedForeign: foreign.includes(environment.id) })),
        variableName,
        details: { step: 'recorded', environments: input.environmentIds, replacing: foreign, variable: variableName, ...deployment.details },
        link: deployment.link,
      });
      if (!tokenId) return refuse(ANOTHER_PUSH_RUNNING);
      const readBefore = new Map(existing.map(({ environment, variable }) => [environment.id, variable]));
      return ok(await executeRun(context, deps, { runId: input.runId, tokenId, token: deployment.token, fingerprint: deployment.fingerprint, beforeSucceeded: deployment.beforeSucceeded }, readBefore));
    });
  });
}

/** Resumes a partial run: only with the same token (R5), only its unfinished steps. */
export async function resumePush(context: RequestContext, rawInput: unknown, deps: TokenDeps): Promise<ActionResult<PushOutcome>> {
  const db = getDb();
  const parsed = resumePushSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
  const { runId, token } = parsed.data;
  const interrupted = await db.pushRun.findUnique({ where: { id: runId }, select: { machineUserId: true } });
  if (interrupted) await closeInterruptedRuns(db, { machineUserId: interrupted.machineUserId });
  const run = await db.pushRun.findUnique({ where: { id: runId }, include: { token: true, machineUser: true } });
  if (!run || !authorize(context.actor, 'token.record', { projectId: run.machineUser.projectId }).allowed) {
    await audit(context, { action: 'token.record', outcome: 'refused', reason: 'resume refused', secrets: [token] });
    return fail('forbidden', 'You do not have permission to resume this push.');
  }
  return holding(token, async () => {
    const fingerprint = fingerprintOf(token, deps.fingerprintKey);
    if (!sameFingerprint(fingerprint, run.token.fingerprint)) {
      await audit(context, { action: 'token.resume', outcome: 'refused', reason: 'resume with another token', targetId: run.machineUserId, fingerprint, details: { runId, tokenId: run.tokenId } });
      return fail('invalid_input', `This is not the token of this run (…${run.token.lastFour}). Paste the same token to resume.`, { token: ['Not the token of this run.'] });
    }
    if (run.status !== 'partial' && run.status !== 'failed') return fail('conflict', `This push is ${run.status}: there is nothing to resume.`);
    if (await db.pushStep.count({ where: { runId, operation: 'delete' } })) return fail('conflict', 'A revocation is not resumed: mark the token compromised again to retry what is left.');
    try {
      // A fresh heartbeat: the one left from before an interruption would have the run closed again
      // as interrupted by the next reader, while it runs.
      await db.$transaction(async (tx) => {
        await tx.pushRun.update({ where: { id: run.id }, data: { status: 'running', activeMachineUserId: run.machineUserId, finishedAt: null, heartbeatAt: new Date() } });
        await recordAudit(tx, { actor: context.actor, action: 'token.resume', outcome: 'succeeded', clientAddress: context.clientAddress, target: { type: 'machine_user', id: run.machineUserId }, tokenFingerprint: fingerprint, details: { step: 'resumed', runId, tokenId: run.tokenId } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) return fail('conflict', 'Another push for this machine user is running. Wait for it to finish.');
      throw error;
    }
    return ok(await executeRun(context, deps, { runId, tokenId: run.tokenId, token, fingerprint }));
  });
}

type Step = Prisma.PushStepGetPayload<object>;

/** Runs every unfinished step of a run, a few at a time, then closes the run. */
export async function executeRun(
  context: RequestContext,
  deps: TokenDeps,
  run: { runId: string; tokenId: string; token: string; fingerprint: string; beforeSucceeded?: BeforeSucceeded },
  /**
   * What the request read of each environment's variable just before it committed the intent (R8's
   * check, by environment id): a step's first attempt writes from it instead of reading again. A
   * resumed or retried step always reads first.
   */
  readBefore?: ReadonlyMap<string, Variable | null>,
): Promise<PushOutcome> {
  const db = getDb();
  const pushRun = await db.pushRun.findUniqueOrThrow({ where: { id: run.runId }, include: { steps: true, machineUser: true } });
  const unfinished = pushRun.steps.filter((step) => step.status !== 'succeeded');
  deps.onRunStarted?.({ runId: run.runId, tokenId: run.tokenId });
  const stopHeartbeat = keepRunAlive(db, run.runId);
  // The concurrency bounds the steps talking to Platform.sh; their journal commits wait outside it,
  // so that the next step's request goes out while a finished one's commit waits for the database.
  const platformsh = pLimit(Math.max(1, deps.pushConcurrency ?? PUSH_CONCURRENCY));
  const journal = new StepJournal();
  let steps: Step[];
  let status: 'succeeded' | 'partial' | 'failed';
  let rotation: RotationEnd | undefined;
  let succeededCommit: RunCommit | undefined;
  try {
    await Promise.allSettled(
      unfinished.map((step) => {
        const known = step.attempts === 0 && step.status === 'pending' && !step.movedFrom ? readBefore?.get(step.environmentId) : undefined;
        return runStep(deps.dashboard, step, run.token, pushRun.visibleBuild, { platformsh, journal, known });
      }),
    );
    steps = await db.pushStep.findMany({ where: { runId: run.runId } });
    const done = steps.filter((step) => step.status === 'succeeded').length;
    status = done === steps.length ? 'succeeded' : done === 0 ? 'failed' : 'partial';
    // A rotation's end talks to Platform.sh while the run is still running (and kept alive), so the
    // run closes together with the old token's supersession.
    if (pushRun.rotatesTokenId) rotation = await endRotation(context, deps, { ...run, rotatesTokenId: pushRun.rotatesTokenId, status, steps });
    // Likewise a minted push's bootstrap (and a minted resume's unfinished token): deleted before the run reads succeeded.
    if (status === 'succeeded') succeededCommit = await run.beforeSucceeded?.({ rotation });
  } finally {
    stopHeartbeat();
  }

  const succeeded = steps.filter((step) => step.status === 'succeeded');
  const done = succeeded.length;
  await db.$transaction(async (tx) => {
    await tx.pushRun.update({ where: { id: run.runId }, data: { status, finishedAt: new Date(), activeMachineUserId: null } });
    await recordAudit(tx, {
      actor: context.actor,
      action: 'token.push',
      outcome: status === 'succeeded' ? 'succeeded' : 'failed',
      clientAddress: context.clientAddress,
      target: { type: 'machine_user', id: pushRun.machineUserId },
      tokenFingerprint: run.fingerprint,
      details: { step: 'pushed', runId: run.runId, tokenId: run.tokenId, status, succeeded: succeeded.map((step) => step.environmentId), unfinished: steps.filter((step) => step.status !== 'succeeded').map((step) => `${step.environmentId}: ${step.status}`) },
    });
    await rotation?.commit?.(tx);
    await succeededCommit?.(tx);
  });
  if (rotation) return rotation.outcome;
  const moved = steps.find((step) => step.movedFrom);
  if (moved) {
    const message =
      status === 'succeeded'
        ? `Moved to ${moved.variableName} on ${done === 1 ? 'the environment' : `all ${done} environments`}; the old variable is deleted there. ${done === 1 ? 'Its redeploy runs' : 'Their redeploys run'} on ${deps.dashboard.vendor.productName}.`
        : `Moved on ${done} of ${countOf(steps.length, 'environment')}. Paste the same token again to resume the others; nothing will be duplicated.`;
    return { runId: run.runId, tokenId: run.tokenId, status, message };
  }
  const message =
    steps.length === 0
      ? 'The token is recorded; no environment was chosen.'
      : status === 'succeeded'
        ? `The token is set on ${done === 1 ? 'the environment' : `all ${done} environments`}. ${done === 1 ? 'Its redeploy runs' : 'Their redeploys run'} on ${deps.dashboard.vendor.productName}; Keywarden follows ${done === 1 ? 'it' : 'them'} in the background.`
        : `The token is set on ${done} of ${countOf(steps.length, 'environment')}. Paste the same token again to resume the others; nothing will be duplicated.`;
  return { runId: run.runId, tokenId: run.tokenId, status, message };
}

/**
 * One environment, journalled (R4): read first, then create or update. A write whose answer was lost
 * is `unknown` until a read settles it; it is never blindly repeated. The first attempt of a step
 * may write from the read the request made moments before (`known`): the same read, not repeated.
 */
async function runStep(
  client: PlatformshClient,
  step: Step,
  token: string,
  visibleBuild: boolean,
  options: { platformsh: LimitFunction; journal: StepJournal; known: Variable | null | undefined },
): Promise<void> {
  const { journal } = options;
  const flags = { isSensitive: true, isInheritable: false, isEnabled: true, visibleRuntime: true, visibleBuild };
  // A move's step succeeds only once the old name is gone too: until then it is resumed like any step
  // (setting the same token again under the new name is harmless). Deleting the old name redeploys
  // too: its activities are followed with the write's.
  const deleteMovedFrom = async (): Promise<string[]> => (step.movedFrom ? deleteOwnVariable(client, step.projectId, step.environmentId, step.movedFrom) : []);
  const outcome = await options.platformsh(async (): Promise<JournalEntry> => {
    await journal.write({ kind: 'started', step });
    let before: Variable | null = null;
    try {
      // The name journalled with the step (the vendor's when it was recorded): a resume after the
      // organisation moved to the other vendor finishes what the run started, under the same name.
      before = options.known !== undefined ? options.known : await ownVariable(client, step.projectId, step.environmentId, step.variableName);
      const change = before
        ? await client.updateEnvironmentVariable(step.projectId, step.environmentId, step.variableName, { value: token, ...flags })
        : await client.createEnvironmentVariable(step.projectId, step.environmentId, { name: step.variableName, value: token, ...flags });
      const moveActivities = await deleteMovedFrom();
      const variable = pushedVariable(step.variableName, { visibleBuild }, { createdAt: before?.createdAt ?? null, updatedAt: new Date().toISOString() });
      return { kind: 'succeeded', step, data: { operation: before ? 'update' : 'create', activityIds: [...change.activityIds, ...moveActivities] }, variable };
    } catch (error) {
      const failure = describePlatformshFailure(error);
      const ambiguous = isPlatformshError(error) && (mayHaveApplied(error) || error.kind === 'conflict');
      if (!ambiguous) return { kind: 'ended', step, data: { status: 'failed', operation: before ? 'update' : 'create', error: failure } };
      await journal.write({ kind: 'ended', step, data: { status: 'unknown', operation: before ? 'update' : 'create', error: failure } });
      // Reconcile with a read: did the write land?
      try {
        const after = await ownVariable(client, step.projectId, step.environmentId, step.variableName);
        const landed = after !== null && (before === null || (after.updatedAt !== null && after.updatedAt !== before.updatedAt));
        if (!landed || !after.isSensitive || after.isInheritable) {
          return { kind: 'ended', step, data: { status: 'failed', error: `${failure} — a read shows the change was not applied; resume to try again.` } };
        }
        let moveActivities: string[];
        try {
          moveActivities = await deleteMovedFrom();
        } catch (moveError) {
          return { kind: 'ended', step, data: { status: 'failed', error: `${failure} — the new variable is set, but ${step.movedFrom} could not be deleted (${describePlatformshFailure(moveError)}); resume to try again.` } };
        }
        return { kind: 'succeeded', step, data: { error: `${failure} — a read shows the change was applied.`, ...(moveActivities.length > 0 ? { activityIds: moveActivities } : {}) }, variable: after };
      } catch (readError) {
        return { kind: 'ended', step, data: { status: 'unknown', error: `${failure}; the check failed too (${describePlatformshFailure(readError)}). Resume to check again.` } };
      }
    }
  });
  try {
    await journal.write(outcome);
  } catch (error) {
    if (outcome.kind !== 'succeeded') throw error;
    // The write landed but could not be journalled as such: the step stays unsettled, and a resume reads first.
    await journal.write({ kind: 'ended', step, data: { status: 'unknown', error: `The change was applied, but Keywarden could not record it (${error instanceof Error ? error.message : String(error)}); resume to check it.` } });
  }
}

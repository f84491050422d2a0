// Bulk rotation (issue 18.3, last sentence): the incident's shape — selection → plan → dry run →
// typed confirmation → journalled, paced, resumable run → verification pass → report on the audit
// log and in evidence packs — where the tokens are replaced instead of taken away, each by a fresh
// token minted (issue 18.2) from ONE bootstrap token per machine user.
//
//   plan (plan.ts, kind `rotation`: active tokens only, grouped by machine user on the page)
//   → execute: the name typed again and a bootstrap token pasted per machine user, each verified to
//     be that machine user's (T4) and not a token Keywarden tracks, else the whole execution is
//     refused with nothing sent → claim (audited, L1) → a few machine users at a time, each one's
//     tokens one after the other (R6): the single-token rotation (rotate.ts) with the bootstrap
//     `shared` — mint as the machine user, push to the environments that hold the old token, delete
//     the old token, supersede its record — then the bootstrap is deleted → verification → report.
//
// Bootstrap values live in this request only (T1): never in the database, a job, a log or the audit
// log — so the run executes within the request, as a push does, not in the background. A machine
// user without a bootstrap is skipped ("not rotated — no bootstrap token", never half-done). A 403
// to the mint stops that machine user's rotation cleanly and says why (no fallback to pushing the
// bootstrap). If the process dies, the incident shows as interrupted; its resume asks for bootstrap
// tokens again, settles every mint token_mints journalled without a record (deleted on Platform.sh),
// finishes a rotation whose minted token did not reach every environment (resume-minted.ts: a fresh
// mint for all of them, the unfinished one deleted), then rotates what is left.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { recordAudit } from '@/lib/audit/record';
import { getDb, type Prisma } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { mapWithConcurrency, type ApiTokenInfo } from '@/lib/platformsh';
import { fingerprintOf, lastFourOf } from '@/lib/security/fingerprint';
import { forgetSecret, registerSecret } from '@/lib/security/redact';
import { executeRotationSchema, resumeRotationSchema } from '@/lib/validations/incidents';
import type { RequestContext } from '../context';
import { currentHoldings } from '../tokens/holders';
import { closeInterruptedRuns } from '../tokens/interrupted';
import { deleteBootstrap, mintRefusedSince, settleUnaccountedMints } from '../tokens/mint';
import { loadMachineUser, verifyIdentity, withTokenClient, type TokenDeps } from '../tokens/push';
import { resumeAnyPush } from '../tokens/resume-minted';
import { rotateToken } from '../tokens/rotate';
import { claimExecution, claimResume, keepIncidentAlive, openExecution, openResume, recordReport } from './bulk-run';
import { INCIDENT_READ_CONCURRENCY, readVariable, type PlannedVariable } from './plan';

/** Machine users rotated at once (each pushes to a few environments at once: PUSH_CONCURRENCY). */
export const ROTATION_CONCURRENCY = 3;
/** Bootstrap tokens verified at once before the run is claimed. */
const VERIFY_CONCURRENCY = 4;

export const NO_BOOTSTRAP = 'not rotated — no bootstrap token';

export interface RotationDeps extends TokenDeps {
  /** Stops taking new tokens (tests: a crash half-way; the incident is left running, then interrupted). */
  signal?: AbortSignal;
  /** Machine users handled at once (ROTATION_CONCURRENCY unless a test compares). */
  concurrency?: number;
  /** Told once every bootstrap is verified and the run is claimed (the REST API answers 202 then). */
  onClaimed?: () => void;
}

/** A verified bootstrap token of one machine user, held in this request only. */
interface Bootstrap {
  token: string;
  fingerprint: string;
  userId: string;
  info: ApiTokenInfo | undefined;
}

export interface RotationGroupReport {
  machineUserId: string;
  machineUser: string;
  projectId: string;
  tokens: number;
  rotated: number;
  outcome: 'rotated' | 'partly rotated' | 'stopped' | typeof NO_BOOTSTRAP;
  why?: string;
  bootstrapDeleted: boolean;
}

export interface RotationReport {
  kind: 'rotation';
  verifiedAt: string;
  tokens: number;
  projects: number;
  machineUsers: number;
  rotated: number;
  notRotated: number;
  variablesPlanned: number;
  /** Environments that hold the fresh token, by the journal, and whose variable Platform.sh shows. */
  variablesVerified: number;
  variablesNotVerified: number;
  oldTokensDeleted: number;
  bootstrapsDeleted: number;
  groups: RotationGroupReport[];
  openTasks: { tokenId: string; lastFour: string; machineUser: string; projectId: string; tasks: string[] }[];
}

/** Registers every pasted value for redaction (T3) while `work` runs, then forgets them. */
async function holdingAll<T>(tokens: string[], work: () => Promise<T>): Promise<T> {
  for (const token of tokens) registerSecret(token);
  try {
    return await work();
  } finally {
    for (const token of tokens) forgetSecret(token);
  }
}

function pastedOf(bootstraps: Record<string, string | undefined>): Map<string, string> {
  return new Map(Object.entries(bootstraps).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * Each pasted bootstrap: a machine user of this plan with something left to rotate, its token
 * proven to be that machine user's (T4), and not a token Keywarden tracks (it is deleted at the
 * end). Any refusal refuses the whole execution (audited), before anything is claimed or sent.
 */
async function verifyBootstraps(context: RequestContext, deps: TokenDeps, incidentId: string, pasted: Map<string, string>): Promise<{ ok: true; bootstraps: Map<string, Bootstrap> } | { ok: false; failure: ReturnType<typeof fail> }> {
  const db = getDb();
  if (pasted.size === 0) return { ok: false, failure: fail('invalid_input', 'Paste a bootstrap token for at least one machine user: without one, nothing can be rotated.', { bootstraps: ['Paste at least one bootstrap token.'] }) };
  const open = new Set((await db.incidentItem.findMany({ where: { incidentId, status: { not: 'done' } }, select: { machineUserId: true }, distinct: ['machineUserId'] })).map((item) => item.machineUserId));
  const fieldErrors: Record<string, string[]> = {};
  const bootstraps = new Map<string, Bootstrap>();
  await mapWithConcurrency([...pasted], VERIFY_CONCURRENCY, async ([machineUserId, token]) => {
    const field = `bootstraps.${machineUserId}`;
    const machineUser = open.has(machineUserId) ? await loadMachineUser(machineUserId) : null;
    if (!machineUser) {
      fieldErrors[field] = ['This machine user has nothing to rotate in this plan.'];
      return;
    }
    const fingerprint = fingerprintOf(token, deps.fingerprintKey);
    const refuse = async (message: string, auditReason: string) => {
      fieldErrors[field] = [message];
      await recordAudit(db, { actor: context.actor, action: 'incident.execute', outcome: 'refused', reason: `bootstrap for ${machineUser.email}: ${auditReason}`, clientAddress: context.clientAddress, target: { type: 'incident', id: incidentId }, tokenFingerprint: fingerprint });
    };
    if (await db.apiToken.count({ where: { fingerprint } })) {
      const message = `This is a token Keywarden tracks. Paste a fresh token of ${machineUser.email}: the bootstrap is deleted when its rotations are done.`;
      return refuse(message, message);
    }
    const identity = await withTokenClient(deps, token, (asUser) => verifyIdentity(asUser, machineUser, context.actor));
    if (!identity.ok) return refuse(identity.message, identity.auditReason);
    bootstraps.set(machineUserId, { token, fingerprint, userId: identity.userId, info: identity.info });
  });
  if (Object.keys(fieldErrors).length) return { ok: false, failure: fail('invalid_input', 'Some bootstrap tokens were refused: nothing was rotated. Correct them, or leave a machine user blank to skip it.', fieldErrors) };
  return { ok: true, bootstraps };
}

/**
 * Executes a planned bulk rotation (admins, incident.execute) within this request: the name typed
 * again, a bootstrap token per machine user to rotate. Answers with the report once verified.
 */
export async function executeRotation(context: RequestContext, rawInput: unknown, deps: RotationDeps): Promise<ActionResult<{ incidentId: string; report: RotationReport | null }>> {
  const opened = await openExecution(context, rawInput, 'rotation', executeRotationSchema);
  if (!opened.ok) return opened.failure;
  const { incident, input } = opened;
  const pasted = pastedOf(input.bootstraps);
  return holdingAll([...pasted.values()], async () => {
    const checked = await verifyBootstraps(context, deps, incident.id, pasted);
    if (!checked.ok) return checked.failure;
    if (!(await claimExecution(context, incident, { bootstraps: checked.bootstraps.size }))) return fail('conflict', 'This bulk rotation has already been executed.');
    deps.onClaimed?.();
    return ok({ incidentId: incident.id, report: await runRotation(context, incident.id, deps, checked.bootstraps) });
  });
}

/** Resumes an interrupted bulk rotation (admins): bootstrap tokens again, then only what is not done. */
export async function resumeRotation(context: RequestContext, rawInput: unknown, deps: RotationDeps): Promise<ActionResult<{ incidentId: string; report: RotationReport | null }>> {
  const raw = typeof rawInput === 'object' && rawInput !== null ? (rawInput as Record<string, unknown>) : {};
  const opened = await openResume(context, raw.incidentId, 'rotation');
  if (!opened.ok) return opened.failure;
  const parsed = resumeRotationSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Please correct the highlighted fields.', { bootstraps: ['Paste whole tokens.'] });
  const { incident } = opened;
  const pasted = pastedOf(parsed.data.bootstraps);
  return holdingAll([...pasted.values()], async () => {
    const checked = await verifyBootstraps(context, deps, incident.id, pasted);
    if (!checked.ok) return checked.failure;
    if (!(await claimResume(context, incident, { bootstraps: checked.bootstraps.size }))) return fail('conflict', 'Someone else resumed this bulk rotation.');
    deps.onClaimed?.();
    return ok({ incidentId: incident.id, report: await runRotation(context, incident.id, deps, checked.bootstraps) });
  });
}

/** The run: every machine user with something left (a few at once), then the verification and the report. */
async function runRotation(context: RequestContext, incidentId: string, deps: RotationDeps, bootstraps: Map<string, Bootstrap>): Promise<RotationReport | null> {
  const db = getDb();
  const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
  const stopHeartbeat = keepIncidentAlive(incidentId);
  try {
    const items = await db.incidentItem.findMany({ where: { incidentId, status: { not: 'done' } }, orderBy: [{ projectId: 'asc' }, { tokenId: 'asc' }] });
    const byMachineUser = new Map<string, typeof items>();
    for (const item of items) byMachineUser.set(item.machineUserId, [...(byMachineUser.get(item.machineUserId) ?? []), item]);
    await mapWithConcurrency([...byMachineUser], deps.concurrency ?? ROTATION_CONCURRENCY, async ([machineUserId, group]) => {
      await rotateMachineUser(context, deps, { id: incident.id, startedAt: incident.startedAt ?? incident.createdAt }, machineUserId, group, bootstraps.get(machineUserId)).catch(async (error: unknown) => {
        logger.error('bulk rotation of a machine user failed', { incidentId, machineUserId, error });
        await db.incidentItem.updateMany({ where: { incidentId, machineUserId, status: { in: ['pending', 'running'] } }, data: { status: 'failed', openTasks: ['Keywarden failed while rotating this machine user’s tokens (the server log says why): rotate what is left from the machine user’s page, or plan another bulk rotation.'] } });
      });
    });
    // A crash (or a test's abort) stops here: the heartbeat stops, the incident shows as interrupted.
    if (deps.signal?.aborted) return null;
    return await verifyRotation(context, deps, incidentId);
  } finally {
    stopHeartbeat();
  }
}

type Item = { id: string; tokenId: string; machineUserId: string };

/** One machine user: each token rotated with the shared bootstrap, one after the other; then the bootstrap goes. */
async function rotateMachineUser(context: RequestContext, deps: RotationDeps, incident: { id: string; startedAt: Date }, machineUserId: string, items: Item[], bootstrap: Bootstrap | undefined): Promise<void> {
  const db = getDb();
  if (!bootstrap) {
    const machineUser = await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId }, select: { email: true } });
    await db.incidentItem.updateMany({ where: { id: { in: items.map((item) => item.id) } }, data: { status: 'skipped', openTasks: [`Not rotated — no bootstrap token was pasted for ${machineUser.email}. Rotate it from its machine user’s page, or plan another bulk rotation.`] } });
    return;
  }
  // Mints a crash left without a record (older than any live request): found on Platform.sh and deleted.
  await withTokenClient(deps, bootstrap.token, (asBootstrap) => settleUnaccountedMints(context, asBootstrap, machineUserId, bootstrap.userId));
  let stopped: string | null = null;
  for (const item of items) {
    if (deps.signal?.aborted) return;
    if (stopped) {
      await db.incidentItem.update({ where: { id: item.id }, data: { status: 'failed', openTasks: [`Not rotated: ${stopped}`] } });
      continue;
    }
    stopped = await rotateItem(context, deps, item, bootstrap);
  }
  if (deps.signal?.aborted) return;
  await deleteBootstraps(context, deps, incident, machineUserId, bootstrap);
}

/** The last succeeded push of a token said whether it is visible at build time: its rotation keeps that. */
async function wasVisibleAtBuild(tokenId: string): Promise<boolean> {
  const run = await getDb().pushRun.findFirst({ where: { tokenId, status: { in: ['succeeded', 'partial'] } }, orderBy: { startedAt: 'desc' }, select: { visibleBuild: true } });
  return run?.visibleBuild ?? false;
}

/**
 * One token: its rotation with the shared bootstrap — or, when a crash left its rotation's minted
 * token on only some environments, that push finished with a fresh mint. Returns why the machine
 * user's rotation stops (a refused mint), or null to go on.
 */
async function rotateItem(context: RequestContext, deps: RotationDeps, item: Item, bootstrap: Bootstrap): Promise<string | null> {
  const db = getDb();
  const since = new Date();
  await db.incidentItem.update({ where: { id: item.id }, data: { status: 'running', attempts: { increment: 1 } } });
  await closeInterruptedRuns(db, { machineUserId: item.machineUserId });
  const old = await db.apiToken.findUniqueOrThrow({ where: { id: item.tokenId } });
  if (old.status === 'active') {
    const unfinished = await db.pushRun.findFirst({ where: { rotatesTokenId: old.id, status: { in: ['partial', 'failed'] }, token: { minted: true, status: 'active' } }, orderBy: { startedAt: 'desc' }, select: { id: true } });
    const result = unfinished
      ? await resumeAnyPush(context, { runId: unfinished.id, token: bootstrap.token }, deps, { bootstrapUse: 'shared' })
      : await rotateToken(context, { oldTokenId: old.id, runId: randomUUID(), token: bootstrap.token, name: old.name, visibleBuild: await wasVisibleAtBuild(old.id), mint: 'mint' }, deps, { bootstrapUse: 'shared' });
    if (!result.ok) {
      const refused = await mintRefusedSince(item.machineUserId, since);
      const why = refused ? `${deps.dashboard.vendor.productName} refused to mint a token as this machine user (${refused}): an API-token session may not create tokens here. Nothing was pushed; rotate this machine user’s tokens one by one with a pasted token.` : result.error.message;
      await db.incidentItem.update({ where: { id: item.id }, data: { status: 'failed', openTasks: [why] } });
      return refused ? why : null;
    }
  }
  const after = await db.apiToken.findUniqueOrThrow({ where: { id: old.id } });
  if (after.status === 'superseded') {
    const tasks = after.deletedOnPlatformAt ? [] : [`Delete the old token “${after.name}” (…${after.lastFour}) in the machine user’s Console: Keywarden could not delete it.`];
    await db.incidentItem.update({ where: { id: item.id }, data: { status: 'done', replacedById: after.supersededById, openTasks: tasks } });
    return null;
  }
  if (after.status !== 'active') {
    await db.incidentItem.update({ where: { id: item.id }, data: { status: 'failed', openTasks: [`This token is ${after.status} now: it was not rotated.`] } });
    return null;
  }
  // The push did not reach every environment: the minted token is recorded, its push resumable.
  await db.incidentItem.update({ where: { id: item.id }, data: { status: 'partial', openTasks: ['The fresh token did not reach every environment; the old token stays active. Resume its push from the machine user’s page with a live token of the machine user (Keywarden mints a fresh one for every environment and deletes the unfinished one).'] } });
  return null;
}

/**
 * The bootstrap tokens of this machine user that the run used, deleted on Platform.sh with the live
 * one — unless a rotation stopped half-way, whose resume needs a live token a person has (it then
 * stays, and the report says so). A bootstrap pasted before a crash and not pasted again is deleted too.
 */
async function deleteBootstraps(context: RequestContext, deps: TokenDeps, incident: { id: string; startedAt: Date }, machineUserId: string, bootstrap: Bootstrap): Promise<void> {
  const db = getDb();
  if (await db.incidentItem.count({ where: { incidentId: incident.id, machineUserId, status: 'partial' } })) return;
  const earlier = await db.tokenMint.findMany({
    where: { machineUserId, createdAt: { gte: incident.startedAt }, bootstrapDeletedAt: null, bootstrapPlatformshTokenId: { not: null }, bootstrapFingerprint: { not: bootstrap.fingerprint } },
    distinct: ['bootstrapFingerprint'],
  });
  await withTokenClient(deps, bootstrap.token, async (asBootstrap) => {
    const productName = deps.dashboard.vendor.productName;
    for (const row of earlier) {
      await deleteBootstrap(context, asBootstrap, { machineUserId, userId: bootstrap.userId, bootstrapTokenId: row.bootstrapPlatformshTokenId, bootstrapLastFour: row.bootstrapLastFour, bootstrapFingerprint: row.bootstrapFingerprint, productName });
    }
    // Last: the live bootstrap deletes itself (its session stays valid for this call).
    await deleteBootstrap(context, asBootstrap, { machineUserId, userId: bootstrap.userId, bootstrapTokenId: bootstrap.info?.id ?? null, bootstrapLastFour: lastFourOf(bootstrap.token), bootstrapFingerprint: bootstrap.fingerprint, productName });
  });
}

/** The verification pass (every planned environment re-read, the journal checked), then the report. */
export async function verifyRotation(context: RequestContext, deps: Pick<TokenDeps, 'dashboard'>, incidentId: string): Promise<RotationReport> {
  const db = getDb();
  const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
  const since = incident.startedAt ?? incident.createdAt;
  const items = await db.incidentItem.findMany({ where: { incidentId }, orderBy: [{ projectId: 'asc' }, { tokenId: 'asc' }] });
  const tokens = new Map((await db.apiToken.findMany({ where: { id: { in: items.map((item) => item.tokenId) } }, include: { machineUser: { select: { email: true } } } })).map((token) => [token.id, token]));
  const machineUserIds = [...new Set(items.map((item) => item.machineUserId))];
  const holdings = await currentHoldings(machineUserIds);
  const report: RotationReport = { kind: 'rotation', verifiedAt: '', tokens: items.length, projects: new Set(items.map((item) => item.projectId)).size, machineUsers: machineUserIds.length, rotated: 0, notRotated: 0, variablesPlanned: 0, variablesVerified: 0, variablesNotVerified: 0, oldTokensDeleted: 0, bootstrapsDeleted: 0, groups: [], openTasks: [] };
  await mapWithConcurrency(items, INCIDENT_READ_CONCURRENCY, async (item) => {
    const planned = item.variables as unknown as PlannedVariable[];
    const tasks = [...item.openTasks];
    const remaining: { environmentId: string; variableName: string; why: string }[] = [];
    if (item.status === 'done') {
      for (const variable of planned) {
        const isHeldByFresh = holdings.some((holding) => holding.tokenId === item.replacedById && holding.environmentId === variable.environmentId && holding.projectId === variable.projectId);
        const reading = await readVariable(deps.dashboard, variable);
        const why = !isHeldByFresh ? 'the journal does not show the fresh token there' : reading.state !== 'present' ? `${deps.dashboard.vendor.productName} shows the variable as ${reading.state}${reading.detail ? ` (${reading.detail})` : ''}` : null;
        if (why) remaining.push({ environmentId: variable.environmentId, variableName: variable.variableName, why });
      }
      for (const left of remaining) tasks.push(`Check ${left.variableName} on ${item.projectId}/${left.environmentId}: ${left.why}.`);
      report.rotated += 1;
      report.variablesVerified += planned.length - remaining.length;
      report.variablesNotVerified += remaining.length;
    } else {
      report.notRotated += 1;
      report.variablesNotVerified += planned.length;
    }
    report.variablesPlanned += planned.length;
    const token = tokens.get(item.tokenId);
    if (token?.deletedOnPlatformAt) report.oldTokensDeleted += 1;
    if (tasks.length && token) report.openTasks.push({ tokenId: item.tokenId, lastFour: token.lastFour, machineUser: token.machineUser.email, projectId: item.projectId, tasks });
    await db.incidentItem.update({ where: { id: item.id }, data: { remaining: remaining as unknown as Prisma.InputJsonValue, openTasks: tasks, status: remaining.length && item.status === 'done' ? 'partial' : item.status } });
  });
  for (const machineUserId of machineUserIds) {
    const group = items.filter((item) => item.machineUserId === machineUserId);
    const first = group[0]!;
    const email = tokens.get(first.tokenId)?.machineUser.email ?? machineUserId;
    const mints = await db.tokenMint.findMany({ where: { machineUserId, createdAt: { gte: since } }, select: { bootstrapDeletedAt: true, bootstrapLastFour: true } });
    const bootstrapDeleted = mints.length > 0 && mints.every((mint) => mint.bootstrapDeletedAt !== null);
    // A bootstrap left alive (a crash after the machine user's last rotation, or a half-way push that needs it) is said, by its last four.
    const alive = [...new Set(mints.filter((mint) => mint.bootstrapDeletedAt === null).map((mint) => mint.bootstrapLastFour))];
    if (bootstrapDeleted) report.bootstrapsDeleted += 1;
    const rotated = group.filter((item) => item.status === 'done').length;
    const stoppedBy = group.find((item) => item.status === 'failed' || item.status === 'partial')?.openTasks[0];
    const outcome: RotationGroupReport['outcome'] = group.every((item) => item.status === 'skipped') ? NO_BOOTSTRAP : rotated === group.length ? 'rotated' : rotated > 0 ? 'partly rotated' : 'stopped';
    const why = [stoppedBy && outcome !== 'rotated' ? stoppedBy : null, alive.length ? `Bootstrap token${alive.length > 1 ? 's' : ''} ${alive.map((lastFour) => `…${lastFour}`).join(', ')} not deleted: delete ${alive.length > 1 ? 'them' : 'it'} in the machine user’s Console once nothing needs ${alive.length > 1 ? 'them' : 'it'}.` : null].filter(Boolean).join(' ');
    report.groups.push({ machineUserId, machineUser: email, projectId: first.projectId, tokens: group.length, rotated, outcome, ...(why ? { why } : {}), bootstrapDeleted });
  }
  report.groups.sort((a, b) => a.projectId.localeCompare(b.projectId) || a.machineUser.localeCompare(b.machineUser));
  report.openTasks.sort((a, b) => a.projectId.localeCompare(b.projectId) || a.tokenId.localeCompare(b.tokenId));
  report.verifiedAt = new Date().toISOString();
  const { openTasks, groups, ...counts } = report;
  await recordReport(context, incidentId, report, {
    failed: report.notRotated > 0 || report.variablesNotVerified > 0,
    reason: report.notRotated || report.variablesNotVerified ? `${report.notRotated} token(s) not rotated (${groups.filter((group) => group.outcome === NO_BOOTSTRAP).length} machine user(s) with no bootstrap token), ${report.variablesNotVerified} environment(s) not verified.` : undefined,
    details: { ...counts, groups: groups.map((group) => ({ machineUserId: group.machineUserId, outcome: group.outcome, rotated: group.rotated, tokens: group.tokens, bootstrapDeleted: group.bootstrapDeleted })), openTasks: openTasks.map((task) => ({ tokenId: task.tokenId, tasks: task.tasks.length })) },
  });
  return report;
}

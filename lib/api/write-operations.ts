// The mutating operations of REST API v1. Each calls the same domain function as the dashboard's
// server action (lib/actions/machine-users.ts, tokens.ts, inventory.ts) with the RequestContext of
// the key or session: authorize(), scoping to an onboarder's projects, validation of the rules and
// the audit rows all happen there. What this module adds is HTTP: snake_case fields mapped to the
// domain's input, the answers as DTOs, 202 + Location for long operations, and the same refusal
// auditing and findings refresh as the actions (auditEveryRefusal, mayHaveWritten).
//
// Pushes (record + push, rotate, resume) answer 202 once the run's intent is committed (the token
// record, the run and its pending steps: L1), and the steps go on in THIS process after the answer,
// with the token value held only in the request's memory (registered for redaction until the run
// ends). Why not a job queue: a job's payload is stored, and the token value must never be
// (SECURITY.md T1). Why not the whole push before answering: a push redeploys each environment and
// can outlast a client's or proxy's timeout; the run's journal is what the caller polls
// (`GET /api/v1/pushes/{id}`). If the process stops mid-push, the run is closed as interrupted (its
// heartbeat stops) and is resumed with the same token (`POST /api/v1/pushes/{id}/resume`, R5) — the
// dashboard's answer to the same failure. A revocation (compromised) and an offboarding run within
// the request: their outcome (what is still open) is the answer.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { mayHaveWritten, tokenDepsWith } from '@/lib/actions/signed-in';
import { answerUnexpectedErrors } from '@/lib/actions/unexpected';
import { auditEveryRefusal, recordAudit } from '@/lib/audit/record';
import { authorize, ruleFor, type Action } from '@/lib/auth/authorize';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { getDb } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { refreshFindings } from '@/lib/domain/findings/refresh';
import { getSyncRun, requestInventorySync, type SyncRunView } from '@/lib/domain/inventory/requests';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { changeMachineUserRoles, removeMachineUser, type StepOutcome } from '@/lib/domain/machine-users/manage';
import { getMachineUser } from '@/lib/domain/machine-users/queries';
import { acceptInvitationInSandbox, sandboxTokenConsoleUrl } from '@/lib/domain/machine-users/sandbox';
import { configuredVendor, getDashboardClient } from '@/lib/domain/platformsh-connection';
import { recordAndPushToken, type PushOutcome, type TokenDeps } from '@/lib/domain/tokens/push';
import { resumeAnyPush } from '@/lib/domain/tokens/resume-minted';
import { getPushRun, getToken, lookupToken } from '@/lib/domain/tokens/queries';
import { getRevocationPlan, markTokenCompromised, rotateToken, type RevocationOutcome, type RevocationPlan } from '@/lib/domain/tokens/rotate';
import { fail, type ActionResult, type ErrorBody } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { ENVIRONMENT_ROLES, ENVIRONMENT_TYPES, fromPermissions, PRESETS, PROJECT_ROLES, PURPOSES, type EnvironmentRole, type EnvironmentType, type MachineRoles } from '@/lib/machine-users/roles';
import type { PlatformshClient } from '@/lib/platformsh';
import { COMPROMISE_REASON_MAX_LENGTH, TOKEN_NAME_MAX_LENGTH } from '@/lib/validations/limits';
import { pastedTokenSchema } from '@/lib/validations/pasted-token';
import { earliestRotateBy, MINT_CHOICES, type MintChoice } from '@/lib/validations/tokens';
import type { Authenticated } from './authenticate';
import { machineUserDetailDto, machineUserDetailSchema, pushRunDto, pushRunSchema, tokenDto, tokenSchema } from './dto';
import { defineEndpoint, type ApiAnswer, type Endpoint } from './endpoint';
import { problemResponse } from './problem';

// ---- plumbing shared by the operations --------------------------------------------------------

/**
 * Runs a domain call as the API's caller, the way lib/actions/signed-in.ts runs it for the
 * dashboard: an unexpected error becomes the generic answer, every refusal is on the audit log, and
 * a mutation that may have written recomputes the findings before answering.
 */
export async function asCaller<T>(action: Action, auth: Authenticated, run: (context: RequestContext) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  const { context } = auth;
  const result = await auditEveryRefusal(
    async () => ({ action, actor: context.actor, clientAddress: context.clientAddress }),
    () => answerUnexpectedErrors(action, () => run(context)),
  );
  if (mayHaveWritten(action, result)) await refreshFindings();
  return result;
}

/** What a write operation acts on: its project decides an onboarder's right to it. */
type Target = { projectId: string } | { machineUserId: string } | { tokenId: string } | { pushRunId: string };

/** The project of a target record, or null when there is no such record (the domain answers that). */
async function projectOf(target: Target): Promise<string | null> {
  const db = getDb();
  if ('projectId' in target) return target.projectId;
  const machineUser = { select: { projectId: true } } as const;
  if ('machineUserId' in target) return (await db.machineUser.findUnique({ where: { id: target.machineUserId }, ...machineUser }))?.projectId ?? null;
  if ('tokenId' in target) return (await db.apiToken.findUnique({ where: { id: target.tokenId }, select: { machineUser } }))?.machineUser.projectId ?? null;
  return (await db.pushRun.findUnique({ where: { id: target.pushRunId }, select: { machineUser } }))?.machineUser.projectId ?? null;
}

const noConnection = (productName: string) => `Keywarden has no connection to the ${productName} API right now; see Settings. Nothing was changed.`;

/**
 * The dashboard's Platform.sh client, or the refusal to answer: a 403 when the caller's role may
 * never do this (settled first, as runMutation settles it: a reviewer is refused whether or not
 * Platform.sh is reachable — a 503 would invite them to retry, and audit a failure instead of a
 * refusal); so is an onboarder acting on a record of a project not assigned to it, when the record
 * exists (the project is Keywarden's, no connection needed); else the 503 when there is no
 * connection (audited, as the dashboard's action does).
 */
export async function dashboardFor(auth: Authenticated, action: Action, target?: Target): Promise<PlatformshClient | Response> {
  const { actor, clientAddress } = auth.context;
  const rule = ruleFor(actor.role, action);
  const projectId = rule === 'assigned' && target ? await projectOf(target) : null;
  const decision = rule === 'deny' ? authorize(actor, action) : projectId ? authorize(actor, action, { projectId }) : { allowed: true as const };
  if (!decision.allowed) {
    await recordAudit(getDb(), { actor, action, outcome: 'refused', reason: decision.reason, clientAddress });
    return problemResponse('forbidden', 'You do not have permission to do this.');
  }
  const client = getDashboardClient();
  if (client) return client;
  await recordAudit(getDb(), { actor, action, outcome: 'failed', reason: `no connection to the ${configuredVendor().productName} API`, clientAddress });
  return problemResponse('unavailable', noConnection(configuredVendor().productName), { headers: { 'Retry-After': '60' } });
}

/** The domain's field names in a refusal, renamed to this API's (the first segment of a path). */
function renamed(error: ErrorBody, names: Record<string, string>): { ok: false; error: ErrorBody } {
  if (!error.fieldErrors) return { ok: false, error };
  const fieldErrors: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(error.fieldErrors)) {
    const [head, ...rest] = key.split('.');
    const name = [names[head!] ?? head, ...rest].join('.');
    (fieldErrors[name] ??= []).push(...messages);
  }
  return { ok: false, error: { ...error, fieldErrors } };
}

/** Work answered already (202), still running in this process: a push's steps. */
const background = new Set<Promise<unknown>>();

export function continueInBackground(work: Promise<unknown>, operation: string): void {
  const tracked: Promise<unknown> = work
    .catch((error: unknown) => logger.error('REST API background work failed', { operation, error }))
    .finally(() => background.delete(tracked));
  background.add(tracked);
}

/** Waits until the pushes answered with 202 have finished (tests; a graceful stop). */
export async function settleBackgroundWork(): Promise<void> {
  while (background.size > 0) await Promise.allSettled([...background]);
}

// ---- schemas ------------------------------------------------------------------------------------

const uuid = (description: string) => z.uuid().meta({ description });
const idParams = (what: string) => z.strictObject({ id: uuid(`The ${what}’s id.`) });
const environmentId = z.string().min(1).max(255).regex(/^[A-Za-z0-9._-]+$/, 'Not an environment id.');
export const tokenValue = (description: string) => pastedTokenSchema.meta({ description: `${description} Used during this request only: never stored, logged or answered.`, writeOnly: true });
const rotateBy = z.iso
  .date()
  .refine((date) => date >= earliestRotateBy(), { error: 'Choose a date after today.' })
  .meta({ description: 'YYYY-MM-DD, after today (default: the policy’s 90 days).' });
const tokenName = z.string().trim().min(1).max(TOKEN_NAME_MAX_LENGTH);
const mintChoice = z.enum(MINT_CHOICES).optional().meta({
  description:
    'How the deployment token is made (issue 18.2). `policy` (default): as the organisation policy says (Review → Policy, “Mint deployment tokens”). `mint`: the pasted token is a bootstrap — Keywarden mints a fresh token of the machine user, pushes that one and deletes the pasted one once the push succeeded. `paste`: the pasted token is pushed. A choice that differs from the policy is an admin’s alone (token.choose_minting): anyone else gets 403. If Platform.sh refuses the mint (403), the pasted token is pushed and the record’s `mint_policy_unmet` says why.',
});

/**
 * The permission a record or rotation is asked under, as the dashboard's action asks it
 * (lib/actions/tokens.ts): an explicit `mint`/`paste` is a choice of how the token is made, so a
 * refusal is audited under token.choose_minting; the domain (refuseMintingChoice) lets it through
 * when it agrees with the policy or the caller may choose.
 */
const pushPermission = (mint: MintChoice | undefined): Action => (mint === 'mint' || mint === 'paste' ? 'token.choose_minting' : 'token.record');

const environmentTypeRoles = z
  .strictObject(Object.fromEntries(ENVIRONMENT_TYPES.map((type) => [type, z.enum(ENVIRONMENT_ROLES).optional()])) as Record<EnvironmentType, z.ZodOptional<z.ZodEnum<{ [K in EnvironmentRole]: K }>>>)
  .meta({ description: 'Role per environment type (ignored for a project admin). A type left out keeps its current role (on invite: the purpose’s preset).' });

/** Roles asked for, over a base (the purpose's preset, or the machine user's current roles). */
function rolesOver(base: MachineRoles, projectRole: MachineRoles['projectRole'] | undefined, environments: Partial<Record<EnvironmentType, EnvironmentRole>> | undefined): MachineRoles {
  return { projectRole: projectRole ?? base.projectRole, environments: { ...base.environments, ...environments } };
}

const stepOutcomeSchema = z
  .object({
    machine_user: machineUserDetailSchema,
    outcome: z.enum(['done', 'failed', 'unknown', 'invited', 'linked']).meta({
      description: '`invited`/`linked`/`done`: in effect on Platform.sh; `failed`: Platform.sh refused (nothing changed there); `unknown`: Platform.sh did not confirm — the next sync tells.',
    }),
    message: z.string(),
  })
  .meta({ id: 'MachineUserChange' });

async function stepAnswer(context: RequestContext, outcome: StepOutcome, status = 200): Promise<ApiAnswer> {
  const machineUser = await getMachineUser(context, outcome.machineUserId);
  if (!machineUser.ok) return machineUser;
  return {
    ok: true,
    status,
    body: { machine_user: machineUserDetailDto(machineUser.data), outcome: outcome.outcome, message: outcome.message },
    ...(status === 201 ? { headers: { Location: `/api/v1/machine-users/${outcome.machineUserId}` } } : {}),
  };
}

const pushStartedSchema = z
  .object({
    token: tokenSchema,
    push: pushRunSchema,
  })
  .meta({ id: 'PushStarted', description: 'The token record (never its value) and its push run, as they are when the push starts. Poll the push (`Location`) until its `status` is no longer `running`.' });

const INVITE_FIELDS: Record<string, string> = {
  projectId: 'project_id',
  ownerId: 'owner_email',
  backupOwnerId: 'backup_owner_email',
  overrideReason: 'override_reason',
  needsSshKey: 'needs_ssh_key',
  roles: 'environment_type_roles',
};
const TOKEN_FIELDS: Record<string, string> = { environmentIds: 'environments', confirmReplace: 'replace_foreign', rotateBy: 'rotate_by', visibleBuild: 'visible_build', liveToken: 'token', oldTokenId: 'id', tokenId: 'id', runId: 'id' };

// ---- machine users --------------------------------------------------------------------------------

/** Not a user: the domain then refuses the owner as it refuses any unknown one (audited). */
const NO_SUCH_USER = '00000000-0000-0000-0000-000000000000';

async function activeUserIdOf(email: string): Promise<string> {
  const user = await getDb().user.findFirst({ where: { email: email.trim().toLowerCase(), disabledAt: null }, select: { id: true } });
  return user?.id ?? NO_SUCH_USER;
}

const inviteEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/machine-users',
  operationId: 'inviteMachineUser',
  summary: 'Invite a machine user',
  description:
    'Records a machine user of a project and sends its invitation on Platform.sh, with the same rules as the onboarding wizard (one per project and purpose, an address used once — an admin may override with a reason; an onboarder’s grant limits). Roles left out are the purpose’s preset. Then accept the invitation (in sandbox mode: `POST /api/v1/machine-users/{id}/sandbox/accept`) before recording its token.',
  tag: 'Machine users',
  idempotent: true,
  body: z
    .strictObject({
      project_id: z.string().regex(/^[a-z0-9-]{1,64}$/).meta({ description: 'The Platform.sh project id.' }),
      email: z.email().max(254).meta({ description: 'The machine user’s own address (see the address pattern in Settings).' }),
      purpose: z.enum(PURPOSES),
      project_role: z.enum(PROJECT_ROLES).optional().meta({ description: 'Default: the purpose’s preset.' }),
      environment_type_roles: environmentTypeRoles.optional(),
      needs_ssh_key: z.boolean().optional().meta({ description: 'Default: the purpose’s preset.' }),
      owner_email: z.email().max(254).meta({ description: 'An active dashboard user, accountable for it.' }),
      backup_owner_email: z.email().max(254).optional(),
      override_reason: z.string().max(500).optional().meta({ description: 'An admin’s written reason to override a rule (kept in the audit log).' }),
    })
    .meta({ id: 'InviteMachineUser' }),
  response: { status: 201, schema: stepOutcomeSchema, description: 'The machine user, recorded; `outcome` says what Platform.sh did with the invitation.' },
  errors: [400, 403, 404, 409, 413, 415, 422, 503],
  handle: async ({ auth, body }) => {
    const dashboard = await dashboardFor(auth, 'machine_user.invite', { projectId: body.project_id });
    if (dashboard instanceof Response) return dashboard;
    const preset = PRESETS[body.purpose];
    const input = {
      projectId: body.project_id,
      purpose: body.purpose,
      email: body.email,
      roles: rolesOver(preset.roles, body.project_role, body.environment_type_roles),
      needsSshKey: body.needs_ssh_key ?? preset.needsSshKey,
      ownerId: await activeUserIdOf(body.owner_email),
      ...(body.backup_owner_email ? { backupOwnerId: await activeUserIdOf(body.backup_owner_email) } : {}),
      ...(body.override_reason !== undefined ? { overrideReason: body.override_reason } : {}),
    };
    const result = await asCaller('machine_user.invite', auth, (context) => inviteMachineUser(context, input, dashboard));
    return result.ok ? stepAnswer(auth.context, result.data, 201) : renamed(result.error, INVITE_FIELDS);
  },
});

const changeRolesEndpoint = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/machine-users/{id}',
  operationId: 'changeMachineUserRoles',
  summary: 'Change a machine user’s roles',
  description: 'The roles given replace those recorded (a type left out keeps its role). An invited machine user’s invitation is replaced; an active one’s access is changed on Platform.sh.',
  tag: 'Machine users',
  params: idParams('machine user'),
  body: z.strictObject({ project_role: z.enum(PROJECT_ROLES).optional(), environment_type_roles: environmentTypeRoles.optional() }).meta({ id: 'ChangeMachineUserRoles' }),
  response: { status: 200, schema: stepOutcomeSchema, description: 'The machine user after the change.' },
  errors: [400, 403, 404, 409, 413, 415, 503],
  handle: async ({ auth, params, body }) => {
    const dashboard = await dashboardFor(auth, 'machine_user.change_roles', { machineUserId: params.id });
    if (dashboard instanceof Response) return dashboard;
    // The current roles, when the caller may read them; otherwise the domain refuses the change anyway.
    const current = await getMachineUser(auth.context, params.id);
    const base = current.ok ? fromPermissions(current.data.permissions) : PRESETS.custom.roles;
    const roles = rolesOver(base, body.project_role, body.environment_type_roles);
    const result = await asCaller('machine_user.change_roles', auth, (context) => changeMachineUserRoles(context, { machineUserId: params.id, roles }, dashboard));
    return result.ok ? stepAnswer(auth.context, result.data) : renamed(result.error, { roles: 'environment_type_roles' });
  },
});

const offboardEndpoint = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/machine-users/{id}',
  operationId: 'offboardMachineUser',
  summary: 'Offboard a machine user',
  description:
    'The dashboard’s Remove: its open tokens are revoked first (their env:PLATFORMSH_CLI_TOKEN deleted on every environment; the tokens deleted on Platform.sh when a live `token` of the machine user is given, otherwise listed as still to do), then its access (or invitation) is removed on Platform.sh; the record stays, as removed. Sent again for a removed machine user with open tokens, it finishes revoking them. The body is optional.',
  tag: 'Machine users',
  params: idParams('machine user'),
  body: z
    .strictObject({
      revoke_tokens: z.boolean().optional().meta({ description: 'Default true. False leaves its tokens and variables as they are.' }),
      token: tokenValue('A live API token of the machine user, to delete its tokens on Platform.sh too.').optional(),
    })
    .meta({ id: 'OffboardMachineUser' }),
  bodyOptional: true,
  response: { status: 200, schema: stepOutcomeSchema, description: 'The machine user after the removal; `message` says what is still to do.' },
  errors: [400, 403, 404, 409, 413, 415, 503],
  handle: async ({ auth, params, body }) => {
    const dashboard = await dashboardFor(auth, 'machine_user.remove', { machineUserId: params.id });
    if (dashboard instanceof Response) return dashboard;
    // The dashboard asks the person to type the address as confirmation; an API call naming the
    // machine user by id is that confirmation, so the stored address is given.
    const row = await getDb().machineUser.findUnique({ where: { id: params.id }, select: { email: true } });
    const result = await asCaller('machine_user.remove', auth, async (context) => {
      if (!row) return fail('not_found', 'There is no such machine user.');
      return removeMachineUser(context, { machineUserId: params.id, confirmEmail: row.email, revokeTokens: body.revoke_tokens ?? true, ...(body.token ? { liveToken: body.token } : {}) }, tokenDepsWith(dashboard));
    });
    return result.ok ? stepAnswer(auth.context, result.data) : renamed(result.error, { liveToken: 'token', revokeTokens: 'revoke_tokens', confirmEmail: 'id' });
  },
});

const sandboxAcceptSchema = z
  .object({
    state: z.string().meta({ description: 'The machine user’s state after following the invitation: `active` once accepted.' }),
    token_console_url: z.string().nullable().meta({ description: 'The simulator’s Console page where the machine user creates an API token (POST `name=…` to it; the token is shown once, in its `<output id="api-token">`).' }),
  })
  .meta({ id: 'SandboxAcceptance' });

const sandboxAcceptEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/machine-users/{id}/sandbox/accept',
  operationId: 'acceptInvitationInSandbox',
  summary: 'Accept an invitation (sandbox mode only)',
  description:
    'Sandbox mode only (403 otherwise): accepts the machine user’s pending invitation on the simulator, as the machine user would from its e-mail, and follows it — what a script needs to walk through onboarding alone. In live mode the machine user accepts the invitation itself; Keywarden notices on its next sync.',
  tag: 'Machine users',
  params: idParams('machine user'),
  response: { status: 200, schema: sandboxAcceptSchema, description: 'The invitation is accepted.' },
  errors: [403, 404, 409, 503],
  handle: async ({ auth, params }) => {
    const dashboard = await dashboardFor(auth, 'machine_user.manage_invitation', { machineUserId: params.id });
    if (dashboard instanceof Response) return dashboard;
    const result = await asCaller('machine_user.manage_invitation', auth, (context) => acceptInvitationInSandbox(context, { machineUserId: params.id }, dashboard));
    if (!result.ok) return result;
    const machineUser = await getDb().machineUser.findUnique({ where: { id: params.id }, select: { platformshUserId: true } });
    return { ok: true, body: { state: result.data.state, token_console_url: sandboxTokenConsoleUrl(machineUser?.platformshUserId ?? null) ?? null } };
  },
});

// ---- tokens -----------------------------------------------------------------------------------------

/** The 202 of a push: the token record, the run as it is now, and where to poll it. */
async function pushStartedAnswer(context: RequestContext, run: { runId: string; tokenId: string }): Promise<ApiAnswer> {
  const [token, push] = await Promise.all([getToken(context, run.tokenId), getPushRun(context, run.runId)]);
  if (!token.ok) return token;
  if (!push.ok) return push;
  if (!push.data) return fail('not_found', 'There is no such push.');
  return { ok: true, status: 202, body: { token: tokenDto(token.data), push: pushRunDto(push.data) }, headers: { Location: `/api/v1/pushes/${run.runId}` } };
}

/**
 * Starts a push through the domain and answers 202 as soon as its run is committed and about to
 * run; the steps go on in this process (see the file's header). A refusal before that is the answer.
 */
async function startPush(
  auth: Authenticated,
  target: Target,
  run: (context: RequestContext, deps: TokenDeps) => Promise<ActionResult<PushOutcome>>,
  fields: Record<string, string>,
  action: Action = 'token.record',
): Promise<ApiAnswer> {
  const dashboard = await dashboardFor(auth, 'token.record', target);
  if (dashboard instanceof Response) return dashboard;
  let announce: (run: { runId: string; tokenId: string }) => void = () => undefined;
  const started = new Promise<{ runId: string; tokenId: string }>((resolve) => (announce = resolve));
  const deps: TokenDeps = { ...tokenDepsWith(dashboard), onRunStarted: (begun) => announce(begun) };
  // Never rejects: asCaller answers unexpected errors with the generic failure.
  const work = asCaller(action, auth, (context) => run(context, deps));
  const first = await Promise.race([work.then((result) => ({ finished: result }) as const), started.then((begun) => ({ started: begun }) as const)]);
  if ('finished' in first) {
    if (!first.finished.ok) return renamed(first.finished.error, fields);
    return pushStartedAnswer(auth.context, first.finished.data);
  }
  continueInBackground(work, 'push');
  return pushStartedAnswer(auth.context, first.started);
}

const recordTokenEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/machine-users/{id}/tokens',
  operationId: 'recordToken',
  summary: 'Record a token and push it',
  description:
    'Records an API token of the (active) machine user — proven to be its own on Platform.sh first — and pushes it to the chosen environments as the sensitive variable env:PLATFORMSH_CLI_TOKEN. Answers 202 once the record and its run are committed; the push goes on and is polled at `Location` (`GET /api/v1/pushes/{id}`). Keywarden keeps a keyed fingerprint and the last four characters, never the value. An environment whose variable Keywarden did not push is replaced only when named in `replace_foreign` (or with `true`); otherwise 409 lists them in `field_errors.replace_foreign`.',
  tag: 'Tokens',
  idempotent: true,
  params: idParams('machine user'),
  body: z
    .strictObject({
      token: tokenValue('The machine user’s API token.'),
      name: tokenName.meta({ description: 'What the token is for, e.g. where it is used.' }),
      environments: z.array(environmentId).min(1).max(200).meta({ description: 'Environment ids of the machine user’s project.' }),
      visible_build: z.boolean().optional().meta({ description: 'Visible at build time too (default false: runtime only).' }),
      rotate_by: rotateBy.optional(),
      replace_foreign: z.union([z.boolean(), z.array(environmentId).max(200)]).optional().meta({ description: 'Consent to replace variables Keywarden did not push: `true` for all of `environments`, or the ids.' }),
      mint: mintChoice,
    })
    .meta({ id: 'RecordToken' }),
  response: { status: 202, schema: pushStartedSchema, description: 'Recorded; the push runs. Poll `Location`.' },
  errors: [400, 403, 404, 409, 413, 415, 422, 503],
  handle: async ({ auth, params, body }) => {
    const confirmReplace = body.replace_foreign === true ? body.environments : body.replace_foreign === false || body.replace_foreign === undefined ? [] : body.replace_foreign;
    return startPush(
      auth,
      { machineUserId: params.id },
      (context, deps) =>
        recordAndPushToken(
          context,
          { machineUserId: params.id, runId: randomUUID(), token: body.token, name: body.name, environmentIds: body.environments, visibleBuild: body.visible_build ?? false, confirmReplace, ...(body.rotate_by ? { rotateBy: body.rotate_by } : {}), ...(body.mint ? { mint: body.mint } : {}) },
          deps,
        ),
      TOKEN_FIELDS,
      pushPermission(body.mint),
    );
  },
});

const rotateTokenEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/tokens/{id}/rotate',
  operationId: 'rotateToken',
  summary: 'Rotate a token',
  description:
    'Records the new token of the same machine user and pushes it to every environment holding the old one; once all hold it, the old token is deleted on Platform.sh (with the new token’s identity) and superseded. Answers 202 like a push; poll `Location`.',
  tag: 'Tokens',
  idempotent: true,
  params: idParams('token record'),
  body: z
    .strictObject({
      token: tokenValue('The new API token.'),
      name: tokenName.optional().meta({ description: 'Default: the old token’s name.' }),
      rotate_by: rotateBy.optional(),
      visible_build: z.boolean().optional(),
      mint: mintChoice,
    })
    .meta({ id: 'RotateToken' }),
  response: { status: 202, schema: pushStartedSchema, description: 'The new record; its push runs. Poll `Location`.' },
  errors: [400, 403, 404, 409, 413, 415, 422, 503],
  handle: async ({ auth, params, body }) => {
    const old = body.name === undefined ? await getToken(auth.context, params.id) : null;
    // Not readable: the domain refuses the rotation itself (audited); the name is then moot.
    const name = body.name ?? (old?.ok ? old.data.name : 'rotation');
    return startPush(
      auth,
      { tokenId: params.id },
      (context, deps) =>
        rotateToken(context, { oldTokenId: params.id, runId: randomUUID(), token: body.token, name, visibleBuild: body.visible_build ?? false, ...(body.rotate_by ? { rotateBy: body.rotate_by } : {}), ...(body.mint ? { mint: body.mint } : {}) }, deps),
      TOKEN_FIELDS,
      pushPermission(body.mint),
    );
  },
});

const resumePushEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/pushes/{id}/resume',
  operationId: 'resumePush',
  summary: 'Resume a push',
  description:
    'Runs the unfinished steps of a partial, failed or interrupted push, with the same token (its fingerprint must match). A push of a minted token (`minted: true`; no one has its value) resumes with a live token of the machine user instead: a fresh token is minted for every environment of the push and the unfinished one deleted. Answers 202; poll `Location`.',
  tag: 'Tokens',
  idempotent: true,
  params: idParams('push run'),
  body: z.strictObject({ token: tokenValue('The same token the push was started with (a minted push: a live token of the machine user).') }).meta({ id: 'ResumePush' }),
  response: { status: 202, schema: pushStartedSchema, description: 'The push runs again. Poll `Location`.' },
  errors: [400, 403, 404, 409, 413, 415, 422, 503],
  handle: async ({ auth, params, body }) => startPush(auth, { pushRunId: params.id }, (context, deps) => resumeAnyPush(context, { runId: params.id, token: body.token }, deps), TOKEN_FIELDS),
});

const revocationPlanSchema = z
  .object({
    token_id: z.string(),
    last_four: z.string(),
    machine_user: z.object({ id: z.string(), email: z.string() }),
    variables: z.array(z.object({ project_id: z.string(), environment_id: z.string() })).meta({ description: 'The env:PLATFORMSH_CLI_TOKEN variables holding it, to delete.' }),
    platformsh_token_id: z.string().nullable().meta({ description: 'Its id on Platform.sh: deleted there when a live `token` is given.' }),
    already_deleted_on_platform: z.boolean(),
  })
  .meta({ id: 'RevocationPlan' });

const revocationSchema = z
  .object({
    dry_run: z.boolean(),
    plan: revocationPlanSchema,
    result: z
      .object({ status: z.enum(['done', 'partial']), message: z.string(), open_tasks: z.array(z.string()).meta({ description: 'What is still to do, in words.' }) })
      .nullable()
      .meta({ description: 'Null on a dry run.' }),
  })
  .meta({ id: 'Revocation' });

function planDto(plan: RevocationPlan): z.infer<typeof revocationPlanSchema> {
  return {
    token_id: plan.tokenId,
    last_four: plan.lastFour,
    machine_user: plan.machineUser,
    variables: plan.variables.map((variable) => ({ project_id: variable.projectId, environment_id: variable.environmentId })),
    platformsh_token_id: plan.platformshTokenId,
    already_deleted_on_platform: plan.alreadyDeletedOnPlatform,
  };
}

function revocationDto(outcome: RevocationOutcome) {
  return { status: outcome.status, message: outcome.message, open_tasks: outcome.openTasks };
}

const compromisedEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/tokens/{id}/compromised',
  operationId: 'markTokenCompromised',
  summary: 'Mark a token compromised',
  description:
    '`dry_run: true`: the plan only (the variables to delete, whether it can be deleted on Platform.sh), nothing changed. `dry_run: false`: marks it compromised and executes the plan within the request — its variables deleted, and with a live `token` of the machine user (the compromised one works until deleted) the token deleted on Platform.sh; `result.open_tasks` says what is left.',
  tag: 'Tokens',
  params: idParams('token record'),
  body: z
    .strictObject({
      dry_run: z.boolean(),
      delete_variables: z.boolean().optional().meta({ description: 'Default true.' }),
      reason: z.string().max(COMPROMISE_REASON_MAX_LENGTH).optional().meta({ description: 'Why, in your words: the audit row’s reason.' }),
      token: tokenValue('A live API token of the machine user, to delete the compromised one on Platform.sh.').optional(),
    })
    .refine((body) => !(body.dry_run && body.token !== undefined), { message: 'A dry run takes no token.', path: ['token'] })
    .meta({ id: 'MarkTokenCompromised' }),
  response: { status: 200, schema: revocationSchema, description: 'The plan, and on execution its result.' },
  errors: [400, 403, 404, 409, 413, 415, 503],
  handle: async ({ auth, params, body }) => {
    const plan = await getRevocationPlan(auth.context, params.id);
    if (body.dry_run) return plan.ok ? { ok: true, body: { dry_run: true, plan: planDto(plan.data), result: null } } : plan;
    const dashboard = await dashboardFor(auth, 'token.record', { tokenId: params.id });
    if (dashboard instanceof Response) return dashboard;
    const input = { tokenId: params.id, deleteVariables: body.delete_variables ?? true, ...(body.reason ? { reason: body.reason } : {}), ...(body.token ? { liveToken: body.token } : {}) };
    const result = await asCaller('token.record', auth, (context) => markTokenCompromised(context, input, tokenDepsWith(dashboard)));
    if (!result.ok) return renamed(result.error, { ...TOKEN_FIELDS, deleteVariables: 'delete_variables' });
    // The plan as it was executed (read when it could be: a reviewer's refusal never gets here).
    return plan.ok ? { ok: true, body: { dry_run: false, plan: planDto(plan.data), result: revocationDto(result.data) } } : plan;
  },
});

const lookupEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/tokens/lookup',
  operationId: 'lookupToken',
  summary: 'Look a leaked token up',
  description: 'Compares the candidate’s keyed fingerprint with every record: the matching token record, or null. The candidate is never stored; the lookup is audited with its fingerprint.',
  tag: 'Tokens',
  body: z.strictObject({ candidate: tokenValue('The suspicious string (an API token found in a log, a repository…).') }).meta({ id: 'LookupToken' }),
  response: { status: 200, schema: z.object({ match: tokenSchema.nullable() }).meta({ id: 'TokenLookup' }), description: 'The match, or null.' },
  errors: [400, 403, 413, 415],
  handle: async ({ auth, body }) => {
    const result = await asCaller('token.lookup', auth, (context) => lookupToken(context, { token: body.candidate }, getSecrets(getConfig()).fingerprint));
    if (!result.ok) return renamed(result.error, { token: 'candidate' });
    return { ok: true, body: { match: result.data.match ? tokenDto(result.data.match) : null } };
  },
});

// ---- inventory sync ---------------------------------------------------------------------------------

const syncRunSchema = z
  .object({
    id: z.string(),
    trigger: z.enum(['manual', 'scheduled']),
    full: z.boolean(),
    status: z.enum(['running', 'succeeded', 'partial', 'failed', 'interrupted']),
    requested_by: z.string().nullable(),
    started_at: z.iso.datetime(),
    finished_at: z.iso.datetime().nullable(),
    projects_total: z.int().nullable(),
    projects_done: z.int(),
    projects_failed: z.int(),
    environments_seen: z.int(),
    variable_reads: z.int(),
    error: z.string().nullable(),
    failures: z.array(z.object({ project_id: z.string(), project_title: z.string(), message: z.string() })),
  })
  .meta({ id: 'SyncRun' });

function syncRunDto(run: SyncRunView): z.infer<typeof syncRunSchema> {
  return {
    id: run.id,
    trigger: run.trigger,
    full: run.full,
    status: run.status,
    requested_by: run.requestedBy,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    projects_total: run.projectsTotal,
    projects_done: run.projectsDone,
    projects_failed: run.projectsFailed,
    environments_seen: run.environmentsSeen,
    variable_reads: run.variableReads,
    error: run.error,
    failures: run.failures.map((failure) => ({ project_id: failure.projectId, project_title: failure.projectTitle, message: failure.message })),
  };
}

const startSyncEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/projects/sync',
  operationId: 'startSync',
  summary: 'Start an inventory sync',
  description: 'Begins a sync of the inventory from Platform.sh (one at a time: 409 while one runs) and answers 202; poll `Location` (`GET /api/v1/syncs/{id}`). The body is optional.',
  tag: 'Inventory',
  idempotent: true,
  body: z.strictObject({ full: z.boolean().optional().meta({ description: 'Re-read every environment’s variables, not only changed ones (default false).' }) }).meta({ id: 'StartSync' }),
  bodyOptional: true,
  response: { status: 202, schema: syncRunSchema, description: 'The sync has begun. Poll `Location`.' },
  errors: [400, 403, 409, 413, 415, 422, 503],
  handle: async ({ auth, body }) => {
    const dashboard = await dashboardFor(auth, 'inventory.sync');
    if (dashboard instanceof Response) return dashboard;
    const result = await asCaller('inventory.sync', auth, (context) => requestInventorySync(context, { full: body.full ?? false }));
    // The domain began the run and enqueued its job: whichever instance takes the job executes it.
    if (!result.ok) return result;
    const run = await getSyncRun(auth.context, result.data.runId);
    if (!run.ok) return run;
    return { ok: true, status: 202, body: syncRunDto(run.data), headers: { Location: `/api/v1/syncs/${result.data.runId}` } };
  },
});

const getSyncEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/syncs/{id}',
  operationId: 'getSync',
  summary: 'Get an inventory sync',
  description: 'A sync run’s state; poll it while `status` is `running`. An onboarder sees the failures of their own projects only.',
  tag: 'Inventory',
  params: idParams('sync run'),
  response: { status: 200, schema: syncRunSchema, description: 'The sync run.' },
  errors: [403, 404],
  handle: async ({ auth, params }) => {
    const result = await getSyncRun(auth.context, params.id);
    return result.ok ? { ok: true, body: syncRunDto(result.data) } : result;
  },
});

/** The write operations, in the document's order (registered in lib/api/operations.ts). */
export const WRITE_OPERATIONS: Record<string, Endpoint> = {
  startSync: startSyncEndpoint,
  getSync: getSyncEndpoint,
  inviteMachineUser: inviteEndpoint,
  changeMachineUserRoles: changeRolesEndpoint,
  offboardMachineUser: offboardEndpoint,
  acceptInvitationInSandbox: sandboxAcceptEndpoint,
  recordToken: recordTokenEndpoint,
  rotateToken: rotateTokenEndpoint,
  markTokenCompromised: compromisedEndpoint,
  lookupToken: lookupEndpoint,
  resumePush: resumePushEndpoint,
};

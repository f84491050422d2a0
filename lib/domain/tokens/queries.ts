// Reading tokens: a machine user's token records and pushes, one push's live progress, the
// organisation-wide list (searched, filtered, sorted and paged in SQL), and the leaked-token lookup (by fingerprint; the pasted string is never
// stored, the lookup is audited).
import { authorize, ruleFor } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getConfig } from '@/lib/config';
import { getDb, type Prisma } from '@/lib/db';
import { escapeLike } from '@/lib/db/like';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import { activityLogUrl, vendorProfile } from '@/lib/platformsh';
import { fingerprintOf } from '@/lib/security/fingerprint';
import { forgetSecret, registerSecret } from '@/lib/security/redact';
import { DEFAULT_ROTATE_AFTER_DAYS, earliestRotateBy, lookupTokenSchema, tokenListQuerySchema, type TokenListQuery, type TokenListSort } from '@/lib/validations/tokens';
import type { RequestContext } from '../context';
import { readPolicy } from '../findings/read-policy';
import { foreignVariablesOf, type ForeignVariable } from './foreign-variables';
import { driftedTokenIds, unfinishedRevocationTokenIds } from '../overview';
import { machineUserIdsMatching } from '../search';
import { currentHoldings, driftOf } from './holders';
import { closeInterruptedRuns } from './interrupted';
import { redeployStatusOf, type RedeployStatus } from './redeploys';
import { remoteTokenList, type RemoteTokenListView } from './remote-tokens';

export type TokenStatus = 'active' | 'superseded' | 'revoked' | 'compromised';
export type PushStepStatus = 'pending' | 'in_progress' | 'succeeded' | 'failed' | 'unknown';

export interface TokenRecordView {
  id: string;
  name: string;
  lastFour: string;
  status: TokenStatus;
  recordedAt: string;
  rotateBy: string;
  overdue: boolean;
  lastUsedAt: string | null;
  platformshTokenId: string | null;
  mfaOnCreation: boolean | null;
  /** Environments that hold this token now, by Keywarden's journal. */
  environments: string[];
  /** The same, with the name each holds it under (`env:PLATFORMSH_CLI_TOKEN` or `env:UPSUN_CLI_TOKEN`). */
  variables: { environmentId: string; name: string }[];
  /** Where Platform.sh, at the last sync, differs from what Keywarden set (R7). */
  drift: { environmentId: string; problems: string[]; seenAt: string }[];
  /** When it was deleted on Platform.sh; null while still to do (or for an active token). */
  deletedOnPlatformAt: string | null;
  /** Minted by Keywarden from a pasted bootstrap token (issue 18.2). */
  minted: boolean;
  /** Why a push that should have minted its token pushed the pasted one (the policy was not met). */
  mintPolicyUnmet: string | null;
  machineUser: { id: string; email: string };
  project: { id: string; title: string };
}

export interface PushStepView {
  environmentId: string;
  environmentType: string;
  status: PushStepStatus;
  operation: string | null;
  replacedForeign: boolean;
  activityIds: string[];
  error: string | null;
  /** The redeploy the step started, as the follow-up job last read it (issue 20 §2). */
  redeploy: RedeployView;
}

export interface RedeployView {
  status: RedeployStatus;
  /** The lowest completion percent of its activities, while running. */
  percent: number | null;
  /** The Console’s log of its (first) activity: where a failure says why. */
  logUrl: string | null;
}

export interface PushRunView {
  id: string;
  status: 'running' | 'succeeded' | 'partial' | 'failed';
  tokenLastFour: string;
  /** Its token was minted (resumed with a live token of the machine user), and that token's status now. */
  minted: boolean;
  tokenStatus: TokenStatus;
  startedAt: string;
  finishedAt: string | null;
  steps: PushStepView[];
}

const tokenInclude = {
  machineUser: { select: { id: true, email: true, project: { select: { id: true, title: true } } } },
} satisfies Prisma.ApiTokenInclude;

type TokenRow = Prisma.ApiTokenGetPayload<{ include: typeof tokenInclude }>;

/** Token views with the environments each token holds now (latest journal step per environment). */
async function toTokenViews(rows: TokenRow[]): Promise<TokenRecordView[]> {
  const holdings = await currentHoldings([...new Set(rows.map((row) => row.machineUserId))]);
  const drift = await driftOf(holdings);
  const now = Date.now();
  return rows.map((row) =>
    toTokenView(
      row,
      holdings.filter((holding) => holding.tokenId === row.id).map((holding) => ({ environmentId: holding.environmentId, name: holding.variableName })),
      drift.filter((entry) => entry.tokenId === row.id).map((entry) => ({ environmentId: entry.environmentId, problems: entry.problems, seenAt: entry.seenAt.toISOString() })),
      now,
    ),
  );
}

function toTokenView(row: TokenRow, variables: TokenRecordView['variables'], drift: TokenRecordView['drift'], now: number): TokenRecordView {
  return {
    id: row.id,
    name: row.name,
    lastFour: row.lastFour,
    status: row.status,
    recordedAt: row.recordedAt.toISOString(),
    rotateBy: row.rotateBy.toISOString(),
    overdue: row.status === 'active' && row.rotateBy.getTime() < now,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    platformshTokenId: row.platformshTokenId,
    mfaOnCreation: row.mfaOnCreation,
    environments: variables.map((variable) => variable.environmentId).sort(),
    variables: [...variables].sort((a, b) => a.environmentId.localeCompare(b.environmentId)),
    drift,
    deletedOnPlatformAt: row.deletedOnPlatformAt?.toISOString() ?? null,
    minted: row.minted,
    mintPolicyUnmet: row.mintPolicyUnmet,
    machineUser: { id: row.machineUser.id, email: row.machineUser.email },
    project: row.machineUser.project,
  };
}

const runTokenSelect = { lastFour: true, minted: true, status: true } satisfies Prisma.ApiTokenSelect;

function toRunView(run: Prisma.PushRunGetPayload<{ include: { steps: true; token: { select: typeof runTokenSelect } } }>): PushRunView {
  return {
    id: run.id,
    status: run.status,
    tokenLastFour: run.token.lastFour,
    minted: run.token.minted,
    tokenStatus: run.token.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    steps: [...run.steps]
      .sort((a, b) => a.environmentId.localeCompare(b.environmentId))
      .map((step) => ({
        environmentId: step.environmentId,
        environmentType: step.environmentType,
        status: step.status,
        operation: step.operation,
        replacedForeign: step.replacedForeign,
        activityIds: step.activityIds,
        error: step.error,
        redeploy: {
          status: redeployStatusOf(step),
          percent: step.redeployPercent,
          logUrl: step.activityIds[0] ? activityLogUrl(vendorProfile(getConfig().platformsh.vendor), step.projectId, step.environmentId, step.activityIds[0]) : null,
        },
      })),
  };
}

export interface MachineUserTokensView {
  tokens: TokenRecordView[];
  runs: PushRunView[];
  defaultRotateBy: string;
  /** The earliest rotate-by date allowed: tomorrow (a token is never recorded overdue). */
  minRotateBy: string;
  /**
   * The project's environments, as the last sync saw them: where a push can go, each with the
   * `variableName` Keywarden did not push that it holds, if any (R8).
   */
  environments: { id: string; title: string; type: 'production' | 'staging' | 'development'; status: string; foreignVariable: ForeignVariable | null }[];
  /** Its token list on Platform.sh as last seen. */
  remote: RemoteTokenListView;
  /** The variable a push sets: the configured vendor's (`env:PLATFORMSH_CLI_TOKEN`, `env:UPSUN_CLI_TOKEN`). */
  variableName: string;
  /** The organisation policy: pushes mint their token from the pasted one (issue 18.2). */
  mintingPolicy: boolean;
}

/** A machine user's token records and its recent pushes (for its page). */
export async function getMachineUserTokens(context: RequestContext, machineUserId: string): Promise<ActionResult<MachineUserTokensView>> {
  const db = getDb();
  const machineUser = await db.machineUser.findUnique({ where: { id: machineUserId }, select: { projectId: true } });
  if (!machineUser || !authorize(context.actor, 'token.read', { projectId: machineUser.projectId }).allowed) return fail('not_found', 'There is no such machine user.');
  // A push a crash interrupted shows as partial, with its resume, rather than running for ever.
  await closeInterruptedRuns(db, { machineUserId });
  const variableName = vendorProfile(getConfig().platformsh.vendor).tokenVariable;
  const [tokens, environments, runs, remote, foreign, policy] = await Promise.all([
    db.apiToken.findMany({ where: { machineUserId }, include: tokenInclude, orderBy: { recordedAt: 'desc' } }),
    db.environment.findMany({ where: { projectId: machineUser.projectId }, select: { id: true, title: true, type: true, status: true }, orderBy: [{ type: 'asc' }, { id: 'asc' }] }),
    db.pushRun.findMany({ where: { machineUserId }, include: { steps: true, token: { select: runTokenSelect } }, orderBy: { startedAt: 'desc' }, take: 10 }),
    remoteTokenList(machineUserId),
    foreignVariablesOf(machineUserId, machineUser.projectId, variableName),
    readPolicy(db),
  ]);
  const defaultRotateBy = new Date(Date.now() + DEFAULT_ROTATE_AFTER_DAYS * 86_400_000).toISOString().slice(0, 10);
  return ok({
    tokens: await toTokenViews(tokens),
    runs: runs.map(toRunView),
    defaultRotateBy,
    minRotateBy: earliestRotateBy(),
    environments: environments.map((environment) => ({ ...environment, foreignVariable: foreign.get(environment.id) ?? null })),
    remote,
    variableName,
    mintingPolicy: policy.mintDeploymentTokens,
  });
}

/** One token record, for those who may read its project's tokens (the same answer for unknown and not yours). */
export async function getToken(context: RequestContext, tokenId: string): Promise<ActionResult<TokenRecordView>> {
  if (!/^[0-9a-f-]{36}$/i.test(tokenId)) return fail('not_found', 'There is no such token.');
  const row = await getDb().apiToken.findUnique({ where: { id: tokenId }, include: tokenInclude });
  if (!row || !authorize(context.actor, 'token.read', { projectId: row.machineUser.project.id }).allowed) return fail('not_found', 'There is no such token.');
  const [view] = await toTokenViews([row]);
  return ok(view!);
}

/** One push's progress, polled while it runs. */
export async function getPushRun(context: RequestContext, runId: string): Promise<ActionResult<PushRunView | null>> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) return fail('not_found', 'There is no such push.');
  const read = () => getDb().pushRun.findUnique({ where: { id: runId }, include: { steps: true, token: { select: runTokenSelect }, machineUser: { select: { projectId: true } } } });
  const run = await read();
  // The browser names the run before it exists: "not yet" is an answer, not an error.
  if (!run) return ok(null);
  if (!authorize(context.actor, 'token.read', { projectId: run.machineUser.projectId }).allowed) return fail('not_found', 'There is no such push.');
  // A run followed after a crash: closed as interrupted, so the page offers its resume.
  if (run.status === 'running' && (await closeInterruptedRuns(getDb(), { machineUserId: run.machineUserId })) > 0) return ok(toRunView((await read()) ?? run));
  return ok(toRunView(run));
}

export const TOKENS_PAGE_SIZE = 25;

export interface TokenPage {
  tokens: TokenRecordView[];
  total: number;
  page: number;
  pageSize: number;
  query: TokenListQuery;
}

/** The list's order: the chosen column, then id as the tie-break (a stable page order). */
function tokenOrder(sort: TokenListSort, dir: 'asc' | 'desc'): Prisma.ApiTokenOrderByWithRelationInput[] {
  const opposite = dir === 'asc' ? 'desc' : 'asc';
  switch (sort) {
    case 'name':
      return [{ name: dir }, { id: dir }];
    case 'machine_user':
      return [{ machineUser: { email: dir } }, { recordedAt: 'desc' }, { id: dir }];
    case 'status':
      return [{ status: dir }, { rotateBy: 'asc' }, { id: dir }];
    // Ascending age: the youngest first, i.e. the latest recorded first.
    case 'age':
      return [{ recordedAt: opposite }, { id: dir }];
    case 'rotate':
      return [{ rotateBy: dir }, { id: dir }];
    case 'used':
      return [{ lastUsedAt: { sort: dir, nulls: 'last' } }, { id: dir }];
  }
}

/**
 * Every token record the actor may read, searched (token name, machine user's address, project
 * title), filtered (status, overdue, project, drift, unfinished revocation), sorted and paginated in SQL.
 */
export async function listTokens(context: RequestContext, rawQuery: unknown, options: { pageSize?: number } = {}): Promise<ActionResult<TokenPage>> {
  const pageSize = options.pageSize ?? TOKENS_PAGE_SIZE;
  const rule = ruleFor(context.actor.role, 'token.read');
  if (rule === 'deny') return fail('forbidden', 'You do not have permission to see tokens.');
  const query = tokenListQuerySchema.parse(rawQuery ?? {});
  const pattern = escapeLike(query.q);
  // The machine users the search matches (address, project title), found first by their own indexes:
  // then each half of the OR is an index look-up on api_tokens (see lib/domain/search.ts).
  const searchedMachineUsers = query.q ? await machineUserIdsMatching(query.q) : null;
  const where: Prisma.ApiTokenWhereInput = {
    AND: [
      rule === 'assigned' ? { machineUser: { projectId: { in: [...context.actor.projectIds] } } } : {},
      query.q
        ? {
            OR: [
              { name: { contains: pattern, mode: 'insensitive' } },
              searchedMachineUsers
                ? { machineUserId: { in: searchedMachineUsers } }
                : { machineUser: { OR: [{ email: { contains: pattern, mode: 'insensitive' } }, { project: { title: { contains: pattern, mode: 'insensitive' } } }] } },
            ],
          }
        : {},
      query.status === 'all' ? {} : { status: query.status },
      query.overdue === 'yes' ? { status: 'active', rotateBy: { lt: new Date() } } : {},
      query.project ? { machineUser: { projectId: query.project } } : {},
      query.drift === 'yes' ? { id: { in: await driftedTokenIds(context) } } : {},
      query.revocation === 'unfinished' ? { id: { in: await unfinishedRevocationTokenIds(context) } } : {},
      query.revocation === 'undeleted' ? { status: 'compromised', deletedOnPlatformAt: null } : {},
    ],
  };
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.apiToken.findMany({ where, include: tokenInclude, orderBy: tokenOrder(query.sort, query.dir), skip: (query.page - 1) * pageSize, take: pageSize }),
    db.apiToken.count({ where }),
  ]);
  return ok({ tokens: await toTokenViews(rows), total, page: query.page, pageSize, query });
}

export interface LookupResult {
  match: TokenRecordView | null;
}

/**
 * Leaked-token lookup: the pasted string's fingerprint is compared with every record. The string is
 * held for redaction during the request and never stored; the lookup is audited with the fingerprint.
 */
export async function lookupToken(context: RequestContext, rawInput: unknown, fingerprintKey: string): Promise<ActionResult<LookupResult>> {
  if (!authorize(context.actor, 'token.lookup').allowed) return fail('forbidden', 'You do not have permission to look tokens up.');
  const parsed = lookupTokenSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Paste the suspicious string.', fieldErrorsOf(parsed.error));
  const { token } = parsed.data;
  registerSecret(token);
  try {
    const db = getDb();
    const fingerprint = fingerprintOf(token, fingerprintKey);
    const row = await db.apiToken.findUnique({ where: { fingerprint }, include: tokenInclude });
    await recordAudit(db, {
      actor: context.actor,
      action: 'token.lookup',
      outcome: 'succeeded',
      clientAddress: context.clientAddress,
      target: row ? { type: 'machine_user', id: row.machineUserId } : undefined,
      tokenFingerprint: fingerprint,
      details: { matched: row !== null, ...(row ? { tokenId: row.id } : {}) },
      secrets: [token],
    });
    return ok({ match: row ? ((await toTokenViews([row]))[0] ?? null) : null });
  } finally {
    forgetSecret(token);
  }
}

// Offboarding (issue 14): removing a machine user takes away what it leaves behind. Without it, a
// removed machine user's token stays active in Keywarden and live on Platform.sh, its
// CLI token variable (env:PLATFORMSH_CLI_TOKEN, env:UPSUN_CLI_TOKEN) stays on every environment it was pushed to, and — when its address also
// serves another project (an override) — the credential keeps working there.
//
// The plan (what the removal dialog shows) and its execution: each open token is revoked through the
// same journalled revocation as a compromised one (lib/domain/tokens/rotate.ts executeRevocation):
// its variables deleted, the token deleted on Platform.sh when a live token of the machine user is
// given, otherwise an open task. Running the removal again finishes what is still open.
import { authorize } from '@/lib/auth/authorize';
import { getDb, type Prisma } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import type { RequestContext } from '../context';
import { currentHoldings, variablesHoldingToken } from '../tokens/holders';
import type { TokenDeps } from '../tokens/push';
import { executeRevocation, type LiveToken } from '../tokens/rotate';

/** A token Keywarden still has to take away: active, or revoked but not yet deleted on Platform.sh. */
const OPEN_TOKEN = {
  OR: [{ status: 'active' }, { status: { in: ['revoked', 'compromised'] }, deletedOnPlatformAt: null }],
} as const satisfies Prisma.ApiTokenWhereInput;

export interface OffboardingPlan {
  machineUserId: string;
  email: string;
  tokens: {
    id: string;
    name: string;
    lastFour: string;
    status: 'active' | 'revoked' | 'compromised' | 'superseded';
    /** Environments whose CLI token variable holds it (by Keywarden's journal). */
    environments: string[];
    /** The names of those variables (`env:PLATFORMSH_CLI_TOKEN`, `env:UPSUN_CLI_TOKEN`, or both after a move). */
    variableNames: string[];
    /** Keywarden knows its id on Platform.sh, so a live token of the user can delete it. */
    deletableOnPlatform: boolean;
  }[];
  /** Other projects the same Platform.sh account reaches: its tokens work there until deleted. */
  otherProjects: { id: string; title: string }[];
  /** Environments of production type among those whose variable would be deleted. */
  productionEnvironments: string[];
}

export async function getOffboardingPlan(context: RequestContext, machineUserId: string): Promise<ActionResult<OffboardingPlan>> {
  const db = getDb();
  const machineUser = await db.machineUser.findUnique({ where: { id: machineUserId } });
  if (!machineUser || !authorize(context.actor, 'machine_user.read', { projectId: machineUser.projectId }).allowed) return fail('not_found', 'There is no such machine user.');
  const [tokens, holdings, elsewhere] = await Promise.all([
    db.apiToken.findMany({ where: { machineUserId, ...OPEN_TOKEN }, orderBy: { recordedAt: 'asc' } }),
    currentHoldings([machineUserId]),
    otherProjectsOf(machineUser),
  ]);
  return ok({
    machineUserId,
    email: machineUser.email,
    tokens: tokens.map((token) => ({
      id: token.id,
      name: token.name,
      lastFour: token.lastFour,
      status: token.status,
      environments: holdings.filter((holding) => holding.tokenId === token.id).map((holding) => holding.environmentId).sort(),
      variableNames: [...new Set(holdings.filter((holding) => holding.tokenId === token.id).map((holding) => holding.variableName))].sort(),
      deletableOnPlatform: token.platformshTokenId !== null,
    })),
    otherProjects: elsewhere,
    productionEnvironments: holdings.filter((holding) => holding.environmentType === 'production').map((holding) => holding.environmentId).sort(),
  });
}

/** Projects other than its own where the same Platform.sh account has a machine user or access. */
async function otherProjectsOf(machineUser: { id: string; projectId: string; email: string; platformshUserId: string | null }): Promise<{ id: string; title: string }[]> {
  const db = getDb();
  const [siblings, access] = await Promise.all([
    db.machineUser.findMany({
      where: { id: { not: machineUser.id }, projectId: { not: machineUser.projectId }, state: { notIn: ['removed', 'cancelled'] }, OR: [{ email: machineUser.email }, ...(machineUser.platformshUserId ? [{ platformshUserId: machineUser.platformshUserId }] : [])] },
      select: { project: { select: { id: true, title: true } } },
    }),
    machineUser.platformshUserId
      ? db.projectUserAccess.findMany({ where: { userId: machineUser.platformshUserId, projectId: { not: machineUser.projectId } }, select: { project: { select: { id: true, title: true } } } })
      : Promise.resolve([]),
  ]);
  const projects = new Map([...siblings, ...access].map(({ project }) => [project.id, project]));
  return [...projects.values()].sort((a, b) => a.title.localeCompare(b.title));
}

/** Whether a (removed) machine user still has tokens to take away (read in the caller's transaction). */
export async function hasOpenTokens(tx: Pick<Prisma.TransactionClient, 'apiToken'>, machineUserId: string): Promise<boolean> {
  return (await tx.apiToken.count({ where: { machineUserId, ...OPEN_TOKEN } })) > 0;
}

export interface OffboardingOutcome {
  /** One sentence per token. */
  messages: string[];
  openTasks: string[];
}

/**
 * Revokes every open token of the machine user, one after the other (one run per machine user at a
 * time, R6): an active one becomes `revoked`; a compromised one stays `compromised`. The caller has
 * authorized the removal and written its intent.
 */
export async function revokeOpenTokens(context: RequestContext, deps: TokenDeps, machineUserId: string, live: LiveToken | undefined): Promise<ActionResult<OffboardingOutcome>> {
  const db = getDb();
  const tokens = await db.apiToken.findMany({
    where: { machineUserId, ...OPEN_TOKEN },
    include: { machineUser: { include: { project: { select: { id: true, title: true } } } } },
    orderBy: { recordedAt: 'asc' },
  });
  const messages: string[] = [];
  const openTasks: string[] = [];
  for (const token of tokens) {
    const variables = await variablesHoldingToken(machineUserId, token.id);
    const outcome = await executeRevocation(context, deps, { token, variables, status: token.status === 'compromised' ? 'compromised' : 'revoked' }, live);
    if (!outcome.ok) return outcome;
    messages.push(outcome.data.message);
    openTasks.push(...outcome.data.openTasks);
  }
  return ok({ messages, openTasks });
}

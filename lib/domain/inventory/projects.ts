// Reading the inventory: the Projects list (filtered, sorted and paginated in SQL) and one project.
// Onboarders see only the projects assigned to them (rule 'assigned' of project.read).
import { authorize, ruleFor } from '@/lib/auth/authorize';
import { getConfig } from '@/lib/config';
import { getDb, Prisma } from '@/lib/db';
import { escapeLike } from '@/lib/db/like';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { vendorProfile } from '@/lib/platformsh';
import { projectListQuerySchema, type ProjectListQuery, type ProjectSort } from '@/lib/validations/inventory';
import type { RequestContext } from '../context';
import { currentHoldings } from '../tokens/holders';

export const PROJECTS_PAGE_SIZE = 25;

const LIVE_MACHINE_USER: Prisma.MachineUserWhereInput = { state: { not: 'removed' } };

export interface ProjectSummary {
  id: string;
  title: string;
  region: string | null;
  environments: { total: number; production: number; staging: number; development: number };
  /** Keywarden's machine users for the project, removed ones aside. */
  machineUsers: number;
  tokenOnProduction: boolean;
  lastSyncedAt: string | null;
  lastSyncError: string | null;
  lastSyncErrorAt: string | null;
  missingSince: string | null;
}

export interface ProjectPage {
  projects: ProjectSummary[];
  total: number;
  page: number;
  pageSize: number;
  query: ProjectListQuery;
}

function orderFor(sort: ProjectSort, dir: 'asc' | 'desc'): Prisma.ProjectOrderByWithRelationInput[] {
  const tieBreak: Prisma.ProjectOrderByWithRelationInput[] = [{ title: 'asc' }, { id: 'asc' }];
  switch (sort) {
    case 'title':
      return [{ title: dir }, { id: dir }];
    case 'region':
      return [{ region: { sort: dir, nulls: 'last' } }, ...tieBreak];
    case 'environments':
      return [{ environmentCount: dir }, ...tieBreak];
    case 'token':
      return [{ tokenOnProduction: dir }, ...tieBreak];
    case 'synced':
      return [{ lastSyncedAt: { sort: dir, nulls: 'last' } }, ...tieBreak];
  }
}

/** Which projects the actor may read: all, or (an onboarder) the assigned ones. */
function readableProjects(context: RequestContext): Prisma.ProjectWhereInput | null {
  const rule = ruleFor(context.actor.role, 'project.read');
  if (rule === 'allow') return {};
  if (rule === 'assigned') return { id: { in: [...context.actor.projectIds] } };
  return null;
}

/** A project row (with its count of live machine users) as the list and the project page show it. */
function toProjectSummary(row: Prisma.ProjectGetPayload<object> & { _count: { machineUsers: number } }): ProjectSummary {
  return {
    id: row.id,
    title: row.title,
    region: row.region,
    environments: { total: row.environmentCount, production: row.productionCount, staging: row.stagingCount, development: row.developmentCount },
    machineUsers: row._count.machineUsers,
    tokenOnProduction: row.tokenOnProduction,
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    lastSyncError: row.lastSyncError,
    lastSyncErrorAt: row.lastSyncErrorAt?.toISOString() ?? null,
    missingSince: row.missingSince?.toISOString() ?? null,
  };
}

/** `pageSize`: the REST API's `limit` (the page's default otherwise). */
export async function listProjects(context: RequestContext, rawQuery: unknown, options: { pageSize?: number } = {}): Promise<ActionResult<ProjectPage>> {
  const pageSize = options.pageSize ?? PROJECTS_PAGE_SIZE;
  const scope = readableProjects(context);
  if (!scope) return fail('forbidden', 'You do not have permission to see projects.');
  const query = projectListQuerySchema.parse(rawQuery ?? {});
  const pattern = escapeLike(query.q);
  const where: Prisma.ProjectWhereInput = {
    AND: [
      scope,
      query.q ? { OR: [{ title: { contains: pattern, mode: 'insensitive' } }, { id: { contains: pattern.toLowerCase() } }] } : {},
      query.variable === 'on-production' ? { tokenOnProduction: true } : query.variable === 'missing' ? { tokenOnProduction: false } : {},
      query.state === 'failed' ? { lastSyncError: { not: null } } : query.state === 'missing' ? { missingSince: { not: null } } : { missingSince: null },
    ],
  };
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.project.findMany({
      where,
      include: { _count: { select: { machineUsers: { where: LIVE_MACHINE_USER } } } },
      orderBy: orderFor(query.sort, query.dir),
      skip: (query.page - 1) * pageSize,
      take: pageSize,
    }),
    db.project.count({ where }),
  ]);
  return ok({
    projects: rows.map(toProjectSummary),
    total,
    page: query.page,
    pageSize,
    query,
  });
}

export interface ProjectDetail extends ProjectSummary {
  /** The variable Keywarden pushes (the vendor's: `env:PLATFORMSH_CLI_TOKEN` or `env:UPSUN_CLI_TOKEN`). */
  tokenVariableName: string;
  organizationId: string | null;
  defaultBranch: string | null;
  environmentList: {
    id: string;
    title: string;
    type: 'production' | 'staging' | 'development';
    status: string;
    parent: string | null;
    isMain: boolean;
    variablesReadAt: string | null;
  }[];
  tokenVariables: {
    id: string;
    /** `env:PLATFORMSH_CLI_TOKEN` or `env:UPSUN_CLI_TOKEN`: both are tracked, and may both be there. */
    name: string;
    /** Null: set at project level. */
    environmentId: string | null;
    isSensitive: boolean;
    isInheritable: boolean;
    isEnabled: boolean;
    visibleBuild: boolean;
    visibleRuntime: boolean;
    inherited: boolean;
    updatedAt: string | null;
    /**
     * The machine user and token Keywarden set there (by its journal), or null: not Keywarden's (an
     * inherited row belongs to the environment it comes from).
     */
    heldBy: { machineUserId: string; email: string; tokenName: string; lastFour: string } | null;
  }[];
  /**
   * Who a user id is, when Keywarden knows: one of its machine users, or its own account; `account`
   * is what Platform.sh last said of it (e-mail and name), null when it would not say.
   */
  userAccess: {
    userId: string;
    permissions: string[];
    grantedAt: string | null;
    account: { email: string | null; displayName: string | null } | null;
    knownAs: { kind: 'machine_user'; id: string; email: string } | { kind: 'dashboard'; email: string } | null;
  }[];
  machineUserList: { id: string; email: string; purpose: string; state: string }[];
}

const TYPE_ORDER = { production: 0, staging: 1, development: 2 } as const;

/** Which machine user's token each environment of the project holds, by Keywarden's journal. */
async function heldTokens(projectId: string): Promise<Map<string, NonNullable<ProjectDetail['tokenVariables'][number]['heldBy']>>> {
  const machineUsers = await getDb().machineUser.findMany({ where: { projectId }, select: { id: true, email: true } });
  const holdings = (await currentHoldings(machineUsers.map((row) => row.id))).filter((holding) => holding.projectId === projectId);
  const tokens = await getDb().apiToken.findMany({ where: { id: { in: holdings.map((holding) => holding.tokenId) } }, select: { id: true, name: true, lastFour: true, machineUserId: true } });
  const emailOf = new Map(machineUsers.map((row) => [row.id, row.email]));
  const tokenOf = new Map(tokens.map((token) => [token.id, token]));
  const held = new Map<string, NonNullable<ProjectDetail['tokenVariables'][number]['heldBy']>>();
  for (const holding of holdings) {
    const token = tokenOf.get(holding.tokenId);
    if (token) held.set(`${holding.environmentId}\n${holding.variableName}`, { machineUserId: token.machineUserId, email: emailOf.get(token.machineUserId) ?? '', tokenName: token.name, lastFour: token.lastFour });
  }
  return held;
}

export async function getProject(context: RequestContext, projectId: string): Promise<ActionResult<ProjectDetail>> {
  if (!authorize(context.actor, 'project.read', { projectId }).allowed) {
    // The same answer as for an unknown project: an onboarder learns nothing about other projects.
    return fail('not_found', 'There is no such project, or it is not assigned to you.');
  }
  const [project, dashboard] = await Promise.all([
    getDb().project.findUnique({
      where: { id: projectId },
      include: {
        environments: true,
        tokenVariables: true,
        userAccess: { orderBy: { grantedAt: 'asc' } },
        machineUsers: { where: LIVE_MACHINE_USER, orderBy: { email: 'asc' }, select: { id: true, email: true, purpose: true, state: true, platformshUserId: true } },
      },
    }),
    getDb().dashboardAccount.findUnique({ where: { id: 1 } }),
  ]);
  if (!project) return fail('not_found', 'There is no such project, or it is not assigned to you.');
  const [accounts, holdings] = await Promise.all([
    getDb().platformshAccount.findMany({ where: { id: { in: project.userAccess.map((grant) => grant.userId) } } }),
    heldTokens(projectId),
  ]);
  const accountOf = new Map(accounts.map((account) => [account.id, { email: account.email, displayName: account.displayName }]));
  const knownAs = (userId: string): ProjectDetail['userAccess'][number]['knownAs'] => {
    const machineUser = project.machineUsers.find((candidate) => candidate.platformshUserId === userId);
    if (machineUser) return { kind: 'machine_user', id: machineUser.id, email: machineUser.email };
    return dashboard?.userId === userId ? { kind: 'dashboard', email: dashboard.email } : null;
  };
  const environments = [...project.environments].sort(
    (a, b) => TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || Number(b.isMain) - Number(a.isMain) || a.id.localeCompare(b.id),
  );
  const position = new Map(environments.map((environment, index) => [environment.id, index]));
  const tokenVariables = [...project.tokenVariables].sort(
    (a, b) => (a.environmentId === null ? -1 : (position.get(a.environmentId) ?? 0)) - (b.environmentId === null ? -1 : (position.get(b.environmentId) ?? 0)),
  );
  return ok({
    // Its live machine users are loaded whole: their number needs no second count.
    ...toProjectSummary({ ...project, _count: { machineUsers: project.machineUsers.length } }),
    tokenVariableName: vendorProfile(getConfig().platformsh.vendor).tokenVariable,
    organizationId: project.organizationId,
    defaultBranch: project.defaultBranch,
    environmentList: environments.map((environment) => ({
      id: environment.id,
      title: environment.title,
      type: environment.type,
      status: environment.status,
      parent: environment.parent,
      isMain: environment.isMain,
      variablesReadAt: environment.variablesReadAt?.toISOString() ?? null,
    })),
    tokenVariables: tokenVariables.map((variable) => ({
      id: variable.id,
      name: variable.name,
      environmentId: variable.environmentId,
      isSensitive: variable.isSensitive,
      isInheritable: variable.isInheritable,
      isEnabled: variable.isEnabled,
      visibleBuild: variable.visibleBuild,
      visibleRuntime: variable.visibleRuntime,
      inherited: variable.inherited,
      updatedAt: variable.remoteUpdatedAt?.toISOString() ?? null,
      heldBy: variable.environmentId !== null && !variable.inherited ? (holdings.get(`${variable.environmentId}\n${variable.name}`) ?? null) : null,
    })),
    userAccess: project.userAccess.map((grant) => ({
      userId: grant.userId,
      permissions: grant.permissions,
      grantedAt: grant.grantedAt?.toISOString() ?? null,
      account: accountOf.get(grant.userId) ?? null,
      knownAs: knownAs(grant.userId),
    })),
    machineUserList: project.machineUsers.map(({ id, email, purpose, state }) => ({ id, email, purpose, state })),
  });
}

// Reading machine users: the list (searched, filtered, sorted and paginated in SQL), one machine user with its
// timeline, and what the onboarding wizard needs. Onboarders see their assigned projects only.
import { authorize, ruleFor } from '@/lib/auth/authorize';
import { getConfig } from '@/lib/config';
import { getDb, type Prisma } from '@/lib/db';
import { escapeLike } from '@/lib/db/like';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { samePermissions, type MachineRoles, type Purpose } from '@/lib/machine-users/roles';
import { machineUserIdSchema, machineUserListQuerySchema, type MachineUserListQuery, type MachineUserListSort } from '@/lib/validations/machine-users';
import type { RequestContext } from '../context';
import { difference, permissionWords } from '../findings/rules/both-sides';
import { grantLimitsOf } from './grant-limit';
import { INVITATION_LIFETIME_MS } from './tracking';
import { projectIdsByTitle, userIdsMatching } from '../search';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const MACHINE_USERS_PAGE_SIZE = 25;

export type MachineUserState = 'invited' | 'active' | 'expired' | 'cancelled' | 'error' | 'removed';

export interface MachineUserSummary {
  id: string;
  email: string;
  purpose: Purpose;
  state: MachineUserState;
  project: { id: string; title: string };
  permissions: string[];
  needsSshKey: boolean;
  owner: { id: string; email: string };
  backupOwner: { id: string; email: string } | null;
  invitationState: string | null;
  invitationSentAt: string | null;
  /** When a pending invitation stops being valid (Keywarden's view; the API has no expiry). */
  invitationExpiresAt: string | null;
  platformshUserId: string | null;
  lastError: string | null;
  checkedAt: string | null;
  createdAt: string;
  removedAt: string | null;
}

const summaryInclude = {
  project: { select: { id: true, title: true } },
  owner: { select: { id: true, email: true } },
  backupOwner: { select: { id: true, email: true } },
} satisfies Prisma.MachineUserInclude;

type Row = Prisma.MachineUserGetPayload<{ include: typeof summaryInclude }>;

function toSummary(row: Row): MachineUserSummary {
  return {
    id: row.id,
    email: row.email,
    purpose: row.purpose,
    state: row.state,
    project: row.project,
    permissions: row.permissions,
    needsSshKey: row.needsSshKey,
    owner: row.owner,
    backupOwner: row.backupOwner,
    invitationState: row.invitationState,
    invitationSentAt: row.invitationSentAt?.toISOString() ?? null,
    invitationExpiresAt: row.invitationSentAt && (row.state === 'invited' || row.state === 'expired') ? new Date(row.invitationSentAt.getTime() + INVITATION_LIFETIME_MS).toISOString() : null,
    platformshUserId: row.platformshUserId,
    lastError: row.lastError,
    checkedAt: row.checkedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    removedAt: row.removedAt?.toISOString() ?? null,
  };
}

/** The machine users the actor may read: all, or (an onboarder) those of assigned projects. */
function readableScope(context: RequestContext): Prisma.MachineUserWhereInput | null {
  const rule = ruleFor(context.actor.role, 'machine_user.read');
  if (rule === 'allow') return {};
  if (rule === 'assigned') return { projectId: { in: [...context.actor.projectIds] } };
  return null;
}

export interface MachineUserPage {
  machineUsers: MachineUserSummary[];
  total: number;
  page: number;
  pageSize: number;
  query: MachineUserListQuery;
}

/** The list's order: the chosen column, then address and id as tie-breaks (a stable page order). */
function machineUserOrder(sort: MachineUserListSort, dir: 'asc' | 'desc'): Prisma.MachineUserOrderByWithRelationInput[] {
  const tieBreak: Prisma.MachineUserOrderByWithRelationInput[] = [{ email: dir }, { id: dir }];
  switch (sort) {
    case 'project':
      return [{ project: { title: dir } }, ...tieBreak];
    case 'email':
      return tieBreak;
    case 'purpose':
      return [{ purpose: dir }, ...tieBreak];
    case 'owner':
      return [{ owner: { email: dir } }, ...tieBreak];
  }
}

/** `pageSize`: the REST API's `limit` (the page's default otherwise). */
export async function listMachineUsers(context: RequestContext, rawQuery: unknown, options: { pageSize?: number } = {}): Promise<ActionResult<MachineUserPage>> {
  const pageSize = options.pageSize ?? MACHINE_USERS_PAGE_SIZE;
  const scope = readableScope(context);
  if (!scope) return fail('forbidden', 'You do not have permission to see machine users.');
  const query = machineUserListQuerySchema.parse(rawQuery ?? {});
  const pattern = escapeLike(query.q);
  // The owners and projects the search matches, found first by their own tables' indexes: then each
  // part of the OR is an index look-up on machine_users, not a join of every row (lib/domain/search.ts).
  const [searchedOwners, searchedProjects] = query.q ? await Promise.all([userIdsMatching(query.q), projectIdsByTitle(query.q)]) : [null, null];
  const where: Prisma.MachineUserWhereInput = {
    AND: [
      scope,
      // The search: its address, its owner's address or name, its project's title.
      query.q
        ? {
            OR: [
              { email: { contains: pattern, mode: 'insensitive' } },
              searchedOwners
                ? { ownerId: { in: searchedOwners } }
                : { owner: { OR: [{ email: { contains: pattern, mode: 'insensitive' } }, { name: { contains: pattern, mode: 'insensitive' } }] } },
              searchedProjects ? { projectId: { in: searchedProjects } } : { project: { title: { contains: pattern, mode: 'insensitive' } } },
            ],
          }
        : {},
      query.project ? { projectId: query.project } : {},
      query.state === 'all' ? {} : query.state === 'current' ? { state: { not: 'removed' } } : { state: query.state },
    ],
  };
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.machineUser.findMany({ where, include: summaryInclude, orderBy: machineUserOrder(query.sort, query.dir), skip: (query.page - 1) * pageSize, take: pageSize }),
    db.machineUser.count({ where }),
  ]);
  return ok({ machineUsers: rows.map(toSummary), total, page: query.page, pageSize, query });
}

export interface TimelineEvent {
  seq: string;
  occurredAt: string;
  actor: string;
  action: string;
  outcome: string;
  reason: string | null;
  details: unknown;
}

export interface MachineUserDetail extends MachineUserSummary {
  /** Its Platform.sh account as Platform.sh last described it (e-mail, name), once known. */
  platformshAccount: { email: string | null; displayName: string | null } | null;
  timeline: TimelineEvent[];
  createdBy: string | null;
  overrideReason: string | null;
  /**
   * Role or membership drift (issue 15 §3): its access on Platform.sh, as the inventory last saw it,
   * is not the approved one. `text` has both sides in words; null when they agree (or cannot differ yet).
   */
  roleDrift: { text: string; live: string[] | null; seenAt: string | null } | null;
}

/** Its access as the inventory last saw it, against the approved roles; null when they agree. */
async function roleDriftOf(row: Row): Promise<MachineUserDetail['roleDrift']> {
  if (!row.platformshUserId || !['active', 'error'].includes(row.state)) return null;
  const db = getDb();
  const [access, project] = await Promise.all([
    db.projectUserAccess.findUnique({ where: { projectId_userId: { projectId: row.projectId, userId: row.platformshUserId } }, select: { permissions: true } }),
    db.project.findUnique({ where: { id: row.projectId }, select: { lastSyncedAt: true } }),
  ]);
  const seenAt = project?.lastSyncedAt ?? null;
  if (access && samePermissions(access.permissions, row.permissions)) return null;
  // No access row: drift only once a sync after its acceptance saw none (drift.membership's rule).
  if (!access && !(seenAt && seenAt > (row.acceptedAt ?? row.updatedAt))) return null;
  const { text } = difference(configuredVendor(), {
    keywarden: `approved: ${permissionWords(row.permissions)}`,
    keywardenAt: null,
    platformsh: access ? permissionWords(access.permissions) : 'no access (not in the project’s user access)',
    platformshAt: seenAt,
  });
  return { text, live: access?.permissions ?? null, seenAt: seenAt?.toISOString() ?? null };
}

const NOT_FOUND = 'There is no such machine user, or its project is not assigned to you.';

/** The newest steps a machine user's page shows; the audit log, filtered to it, has the rest. */
export const TIMELINE_LIMIT = 100;

export async function getMachineUser(context: RequestContext, machineUserId: string): Promise<ActionResult<MachineUserDetail>> {
  if (!machineUserIdSchema.safeParse(machineUserId).success) return fail('not_found', NOT_FOUND);
  const db = getDb();
  const row = await db.machineUser.findUnique({ where: { id: machineUserId }, include: summaryInclude });
  if (!row || !authorize(context.actor, 'machine_user.read', { projectId: row.projectId }).allowed) return fail('not_found', NOT_FOUND);
  const [events, creator, account, roleDrift] = await Promise.all([
    db.auditEvent.findMany({ where: { targetType: 'machine_user', targetId: row.id }, orderBy: { seq: 'desc' }, take: TIMELINE_LIMIT }),
    row.createdById ? db.user.findUnique({ where: { id: row.createdById }, select: { email: true } }) : null,
    row.platformshUserId ? db.platformshAccount.findUnique({ where: { id: row.platformshUserId }, select: { email: true, displayName: true } }) : null,
    roleDriftOf(row),
  ]);
  return ok({
    ...toSummary(row),
    platformshAccount: account,
    createdBy: creator?.email ?? null,
    overrideReason: row.reuseReason,
    roleDrift,
    timeline: events.map((event) => ({
      seq: event.seq.toString(),
      occurredAt: event.occurredAt.toISOString(),
      actor: event.actorEmail ?? 'Keywarden',
      action: event.action,
      outcome: event.outcome,
      reason: event.reason,
      details: event.details,
    })),
  });
}

export interface OnboardingOptions {
  projects: { id: string; title: string; region: string | null; machineUsers: { purpose: Purpose; email: string; state: MachineUserState }[] }[];
  owners: { id: string; email: string; name: string | null }[];
  emailPattern: string;
  /** Addresses already in use, with their project, for the wizard's live check. */
  usedEmails: { email: string; projectId: string }[];
  dashboardEmail: string | null;
  canOverride: boolean;
  /** The most the actor may grant, per purpose (KEYWARDEN_ONBOARDER_GRANTS); null: no limit. */
  grantLimits: Record<Purpose, MachineRoles> | null;
}

/** What the onboarding wizard offers: the projects the actor may onboard, owners, the e-mail pattern. */
export async function getOnboardingOptions(context: RequestContext): Promise<ActionResult<OnboardingOptions>> {
  const rule = ruleFor(context.actor.role, 'machine_user.invite');
  if (rule === 'deny') return fail('forbidden', 'You do not have permission to onboard machine users.');
  const db = getDb();
  const projectScope: Prisma.ProjectWhereInput = rule === 'assigned' ? { id: { in: [...context.actor.projectIds] } } : {};
  const [projects, owners, used, dashboard] = await Promise.all([
    db.project.findMany({
      where: { ...projectScope, missingSince: null },
      select: { id: true, title: true, region: true, machineUsers: { where: { state: { not: 'removed' } }, select: { purpose: true, email: true, state: true } } },
      orderBy: [{ title: 'asc' }],
      take: 5000,
    }),
    db.user.findMany({ where: { disabledAt: null }, select: { id: true, email: true, name: true }, orderBy: { email: 'asc' } }),
    db.machineUser.findMany({ where: { state: { not: 'removed' } }, select: { email: true, projectId: true } }),
    db.dashboardAccount.findUnique({ where: { id: 1 } }),
  ]);
  return ok({
    projects,
    owners,
    emailPattern: getConfig().machineUserEmailPattern,
    usedEmails: used,
    dashboardEmail: dashboard?.email ?? null,
    canOverride: context.actor.role === 'admin',
    grantLimits: grantLimitsOf(context.actor),
  });
}

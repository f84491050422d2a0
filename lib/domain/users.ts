// Dashboard users: invite, change role, assign projects, disable, enable. Admin-only mutations
// (lib/auth/role-matrix.json); every change of role or status bumps the session version so that the
// user's next request runs with the new rights or is signed out (SECURITY.md A2).
import { authorize } from '@/lib/auth/authorize';
import { createOneTimeLink, INVITATION_TTL_MS } from '@/lib/auth/one-time-link';
import { recordAudit } from '@/lib/audit/record';
import type { Role } from '@/lib/config';
import { getDb, Prisma } from '@/lib/db';
import { AppError, fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import {
  assignProjectsSchema,
  changeRoleSchema,
  inviteUserSchema,
  listUsersSchema,
  userRefSchema,
} from '@/lib/validations/users';
import { USABLE_ADMIN } from './accounts';
import { containsPattern } from './search';
import type { RequestContext } from './context';
import { lockAdminChanges, runMutation, type Transaction } from './mutation';

export type UserStatus = 'active' | 'invited' | 'disabled';

export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: UserStatus;
  isSso: boolean;
  projectIds: string[];
  lastSignInAt: string | null;
  createdAt: string;
}

export interface UserPage {
  users: UserSummary[];
  total: number;
  page: number;
  pageSize: number;
}

export const USERS_PAGE_SIZE = 25;

/**
 * A row of the list, read in SQL: whether the account is activated (a password or an SSO identity)
 * is computed by the database, so the password hash never leaves it for a list.
 */
interface UserListRow {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  activated: boolean;
  is_sso: boolean;
  disabled_at: Date | null;
  last_sign_in_at: Date | null;
  created_at: Date;
  project_ids: string[];
}

function toSummary(user: UserListRow): UserSummary {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.disabled_at ? 'disabled' : user.activated ? 'active' : 'invited',
    isSso: user.is_sso,
    projectIds: user.project_ids,
    lastSignInAt: user.last_sign_in_at?.toISOString() ?? null,
    createdAt: user.created_at.toISOString(),
  };
}

export async function listUsers(context: RequestContext, rawQuery: unknown): Promise<ActionResult<UserPage>> {
  const decision = authorize(context.actor, 'user.list');
  if (!decision.allowed) return fail('forbidden', 'You do not have permission to see dashboard users.');
  const parsed = listUsersSchema.safeParse(rawQuery);
  if (!parsed.success) return fail('invalid_input', 'Invalid search.', fieldErrorsOf(parsed.error));
  const { page, query } = parsed.data;
  const pattern = containsPattern(query);
  const matches = query ? Prisma.sql`u.email ILIKE ${pattern} OR u.name ILIKE ${pattern}` : Prisma.sql`TRUE`;
  const db = getDb();
  const [rows, [counted]] = await Promise.all([
    db.$queryRaw<UserListRow[]>`
      SELECT u.id::text AS id, u.email, u.name, u.role::text AS role,
             (u.password_hash IS NOT NULL OR u.oidc_subject IS NOT NULL) AS activated,
             (u.oidc_subject IS NOT NULL) AS is_sso,
             u.disabled_at, u.last_sign_in_at, u.created_at,
             ARRAY(SELECT pa.project_id FROM project_assignments pa WHERE pa.user_id = u.id ORDER BY pa.project_id) AS project_ids
        FROM users u
       WHERE ${matches}
       ORDER BY u.email ASC
       LIMIT ${USERS_PAGE_SIZE} OFFSET ${(page - 1) * USERS_PAGE_SIZE}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM users u WHERE ${matches}`,
  ]);
  return ok({ users: rows.map(toSummary), total: counted?.total ?? 0, page, pageSize: USERS_PAGE_SIZE });
}

/** Projects an admin can assign, smallest first by title (the inventory sync fills this table). */
export async function listAssignableProjects(context: RequestContext): Promise<{ id: string; title: string }[]> {
  if (!authorize(context.actor, 'user.list').allowed) return [];
  return getDb().project.findMany({ select: { id: true, title: true }, orderBy: [{ title: 'asc' }], take: 2000 });
}

async function loadUser(tx: Transaction, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError('not_found', 'That user no longer exists.');
  return user;
}

/** Refuses a change that would leave no active admin able to sign in. */
async function assertAnotherActiveAdmin(tx: Transaction, userId: string): Promise<void> {
  await lockAdminChanges(tx);
  const others = await tx.user.count({ where: { ...USABLE_ADMIN, id: { not: userId } } });
  if (others === 0) throw new AppError('conflict', 'Keywarden needs at least one active admin: promote someone else first.');
}

async function assertProjectsExist(tx: Transaction, projectIds: string[]): Promise<void> {
  if (projectIds.length === 0) return;
  const found = await tx.project.count({ where: { id: { in: projectIds } } });
  if (found !== new Set(projectIds).size) {
    throw new AppError('invalid_input', 'One or more projects are unknown; sync the inventory and try again.', {
      projectIds: ['Unknown project.'],
    });
  }
}

function invitationUrl(baseUrl: URL, token: string): string {
  return new URL(`/invite/${token}`, baseUrl).toString();
}

export interface InvitationLink {
  userId: string;
  url: string;
  expiresAt: string;
}

export function inviteUser(context: RequestContext, rawInput: unknown, baseUrl: URL) {
  return runMutation<typeof inviteUserSchema, InvitationLink>(
    context,
    {
      action: 'user.invite',
      schema: inviteUserSchema,
      target: (input) => ({ type: 'user', id: input.email }),
      run: async (tx, input) => {
        if (input.role !== 'onboarder' && input.projectIds.length > 0) {
          throw new AppError('invalid_input', 'Only onboarders are assigned projects.', {
            projectIds: ['Only onboarders are assigned projects.'],
          });
        }
        await assertProjectsExist(tx, input.projectIds);
        const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
        if (existing) {
          throw new AppError('conflict', 'A dashboard user with this e-mail address already exists.', {
            email: ['Already a dashboard user.'],
          });
        }
        const user = await tx.user.create({
          data: {
            email: input.email,
            name: input.name ?? null,
            role: input.role,
            projectAssignments: { create: input.projectIds.map((projectId) => ({ projectId })) },
          },
        });
        const link = await createOneTimeLink(tx, 'invitation', INVITATION_TTL_MS, user.id);
        return {
          data: { userId: user.id, url: invitationUrl(baseUrl, link.token), expiresAt: link.expiresAt.toISOString() },
          details: { email: input.email, role: input.role, projectIds: input.projectIds },
        };
      },
    },
    rawInput,
  );
}

export function reissueInvitation(context: RequestContext, rawInput: unknown, baseUrl: URL) {
  return runMutation<typeof userRefSchema, InvitationLink>(
    context,
    {
      action: 'user.reissue_invitation',
      schema: userRefSchema,
      target: (input) => ({ type: 'user', id: input.userId }),
      run: async (tx, input) => {
        const user = await loadUser(tx, input.userId);
        if (user.passwordHash || user.oidcSubject) throw new AppError('conflict', 'This user has already accepted the invitation.');
        if (user.disabledAt) throw new AppError('conflict', 'Enable this user before sending a new invitation.');
        // The previous link stops working: only the newest invitation is valid.
        await tx.oneTimeLink.updateMany({
          where: { userId: user.id, purpose: 'invitation', usedAt: null },
          data: { usedAt: new Date() },
        });
        const link = await createOneTimeLink(tx, 'invitation', INVITATION_TTL_MS, user.id);
        return { data: { userId: user.id, url: invitationUrl(baseUrl, link.token), expiresAt: link.expiresAt.toISOString() } };
      },
    },
    rawInput,
  );
}

/** Ends every session of a user that is not ended yet (a role change or a disable). */
async function endLiveSessions(tx: Transaction, userId: string): Promise<void> {
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}

export function changeUserRole(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof changeRoleSchema, { role: Role }>(
    context,
    {
      action: 'user.change_role',
      schema: changeRoleSchema,
      target: (input) => ({ type: 'user', id: input.userId }),
      run: async (tx, input) => {
        const user = await loadUser(tx, input.userId);
        if (user.role === input.role) return { data: { role: user.role } };
        if (user.role === 'admin') await assertAnotherActiveAdmin(tx, user.id);
        await tx.user.update({
          where: { id: user.id },
          data: { role: input.role, sessionVersion: { increment: 1 } },
        });
        // Its sessions stopped working with the version bump: ended, so no list shows them live.
        await endLiveSessions(tx, user.id);
        // Project assignments only mean something for onboarders.
        if (input.role !== 'onboarder') await tx.projectAssignment.deleteMany({ where: { userId: user.id } });
        return { data: { role: input.role }, details: { from: user.role, to: input.role } };
      },
    },
    rawInput,
  );
}

export function assignProjects(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof assignProjectsSchema, { projectIds: string[] }>(
    context,
    {
      action: 'user.assign_projects',
      schema: assignProjectsSchema,
      target: (input) => ({ type: 'user', id: input.userId }),
      run: async (tx, input) => {
        const user = await loadUser(tx, input.userId);
        if (user.role !== 'onboarder') throw new AppError('conflict', 'Only onboarders are assigned projects.');
        const projectIds = [...new Set(input.projectIds)].sort();
        await assertProjectsExist(tx, projectIds);
        const before = await tx.projectAssignment.findMany({ where: { userId: user.id }, select: { projectId: true } });
        await tx.projectAssignment.deleteMany({ where: { userId: user.id, projectId: { notIn: projectIds } } });
        await tx.projectAssignment.createMany({
          data: projectIds.map((projectId) => ({ userId: user.id, projectId })),
          skipDuplicates: true,
        });
        return {
          data: { projectIds },
          details: { from: before.map((row) => row.projectId).sort(), to: projectIds },
        };
      },
    },
    rawInput,
  );
}

export function disableUser(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof userRefSchema, { disabled: true }>(
    context,
    {
      action: 'user.disable',
      schema: userRefSchema,
      target: (input) => ({ type: 'user', id: input.userId }),
      run: async (tx, input) => {
        if (input.userId === context.actor.id) throw new AppError('conflict', 'You cannot disable your own account.');
        const user = await loadUser(tx, input.userId);
        if (user.disabledAt) return { data: { disabled: true } };
        if (user.role === 'admin') await assertAnotherActiveAdmin(tx, user.id);
        await tx.user.update({
          where: { id: user.id },
          data: { disabledAt: new Date(), sessionVersion: { increment: 1 } },
        });
        // Signed out everywhere, and shown so: Users → Sessions lists none of them as active.
        await endLiveSessions(tx, user.id);
        // Pending invitation links die with the account.
        await tx.oneTimeLink.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: new Date() } });
        return { data: { disabled: true }, details: { email: user.email } };
      },
    },
    rawInput,
  );
}

export function enableUser(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof userRefSchema, { enabled: true }>(
    context,
    {
      action: 'user.enable',
      schema: userRefSchema,
      target: (input) => ({ type: 'user', id: input.userId }),
      run: async (tx, input) => {
        const user = await loadUser(tx, input.userId);
        if (!user.disabledAt) return { data: { enabled: true } };
        await tx.user.update({
          where: { id: user.id },
          data: { disabledAt: null, sessionVersion: { increment: 1 } },
        });
        return { data: { enabled: true }, details: { email: user.email } };
      },
    },
    rawInput,
  );
}

/** For the Users and Audit pages: a refused read is audited like any refused action. */
export async function auditRefusedRead(context: RequestContext, action: 'user.list' | 'audit.read'): Promise<void> {
  await recordAudit(getDb(), {
    actor: context.actor,
    action,
    outcome: 'refused',
    reason: `role ${context.actor.role} may not ${action}`,
    clientAddress: context.clientAddress,
  });
}

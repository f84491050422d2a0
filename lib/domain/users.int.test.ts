import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { digestOf, findUsableLink } from '@/lib/auth/one-time-link';
import type { Database } from '@/lib/db';
import { describeInvitation } from '@/lib/domain/accounts';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createProjects, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, databaseText, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import {
  assignProjects,
  changeUserRole,
  disableUser,
  enableUser,
  inviteUser,
  listUsers,
  reissueInvitation,
  USERS_PAGE_SIZE,
} from './users';

const BASE_URL = new URL('https://keys.example.com');
const PROJECTS = ['users-a', 'users-b', 'users-c'] as const;
const UNKNOWN_USER_ID = '7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

const unique = () => randomBytes(5).toString('hex');
const uniqueEmail = (label: string) => `${label}-${unique()}@example.com`;

function tokenFromUrl(url: string): string {
  const match = /^https:\/\/keys\.example\.com\/invite\/([A-Za-z0-9_-]{20,})$/.exec(url);
  expect(match, `not an invitation URL: ${url}`).not.toBeNull();
  return match![1]!;
}

describe.each(TEST_DATABASE_KINDS)('dashboard users on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;

  beforeAll(async () => {
    db = database.db;
    await createProjects(db, [...PROJECTS]);
  });

  const adminContext = async () => contextFor(await createUser(db, { role: 'admin' }));

  /** Runs a call and returns its result with the audit rows it wrote. */
  async function withAudit<T>(call: () => Promise<T>) {
    const seq = await lastAuditSeq(db);
    const result = await call();
    return { result, events: await auditEventsSince(db, seq) };
  }

  describe('inviteUser', () => {
    it('creates the user, their project assignments and an invitation link stored only as a digest', async () => {
      const context = await adminContext();
      const email = uniqueEmail('onboarder');
      const { result, events } = await withAudit(() =>
        inviteUser(context, { email: email.toUpperCase(), name: 'On Boarder', role: 'onboarder', projectIds: [PROJECTS[1], PROJECTS[0]] }, BASE_URL),
      );
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) return;

      const user = await db.user.findUniqueOrThrow({ where: { email }, include: { projectAssignments: true } });
      expect(user).toMatchObject({ name: 'On Boarder', role: 'onboarder', passwordHash: null, oidcSubject: null, disabledAt: null });
      expect(user.projectAssignments.map((row) => row.projectId).sort()).toEqual([PROJECTS[0], PROJECTS[1]]);
      expect(result.data.userId).toBe(user.id);

      const token = tokenFromUrl(result.data.url);
      const links = await db.oneTimeLink.findMany({ where: { userId: user.id } });
      expect(links).toHaveLength(1);
      expect(links[0]).toMatchObject({ purpose: 'invitation', tokenHash: digestOf(token), usedAt: null });
      expect(links[0]!.expiresAt.toISOString()).toBe(result.data.expiresAt);
      expect(links[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
      // The raw secret is nowhere in the database: not in the links, not in the audit log.
      expect(await databaseText(db)).not.toContain(token);

      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'user.invite',
        outcome: 'succeeded',
        actorId: context.actor.id,
        targetType: 'user',
        targetId: email,
        details: { email, role: 'onboarder', projectIds: [PROJECTS[1], PROJECTS[0]] },
      });
      expect(await describeInvitation(token)).toEqual({ email, role: 'onboarder' });
    });

    it('refuses an e-mail address that already has an account, with a field error', async () => {
      const context = await adminContext();
      const existing = await createUser(db, { role: 'reviewer' });
      const before = await snapshotTables(db);
      const { result, events } = await withAudit(() =>
        inviteUser(context, { email: existing.email.toUpperCase(), role: 'admin' }, BASE_URL),
      );
      expect(result).toEqual({
        ok: false,
        error: { code: 'conflict', message: expect.any(String), fieldErrors: { email: [expect.any(String)] } },
      });
      expect(await snapshotTables(db)).toEqual(before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'user.invite', outcome: 'failed', targetId: existing.email });
    });

    it('assigns projects to onboarders only', async () => {
      const context = await adminContext();
      for (const role of ['admin', 'reviewer'] as const) {
        const email = uniqueEmail(role);
        const { result, events } = await withAudit(() => inviteUser(context, { email, role, projectIds: [PROJECTS[0]] }, BASE_URL));
        expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { projectIds: [expect.any(String)] } } });
        expect(await db.user.findUnique({ where: { email } })).toBeNull();
        expect(events.map((event) => event.outcome)).toEqual(['invalid']);
      }
    });

    it('refuses an unknown project and creates nothing', async () => {
      const context = await adminContext();
      const email = uniqueEmail('onboarder');
      const { result, events } = await withAudit(() =>
        inviteUser(context, { email, role: 'onboarder', projectIds: [PROJECTS[0], 'no-such-project'] }, BASE_URL),
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { projectIds: [expect.any(String)] } } });
      expect(await db.user.findUnique({ where: { email } })).toBeNull();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'user.invite', outcome: 'invalid', targetId: email });
    });

    it('refuses invalid input with field errors and an invalid audit row', async () => {
      const context = await adminContext();
      const before = await snapshotTables(db);
      const { result, events } = await withAudit(() => inviteUser(context, { email: 'not an e-mail', role: 'owner' }, BASE_URL));
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(!result.ok && Object.keys(result.error.fieldErrors ?? {}).sort()).toEqual(['email', 'role']);
      expect(await snapshotTables(db)).toEqual(before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'user.invite', outcome: 'invalid', actorId: context.actor.id });
    });

    it('refuses unexpected fields instead of dropping them', async () => {
      const context = await adminContext();
      const email = uniqueEmail('sneaky');
      const { result, events } = await withAudit(() =>
        inviteUser(context, { email, role: 'reviewer', passwordHash: 'chosen-by-the-caller' }, BASE_URL),
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await db.user.findUnique({ where: { email } })).toBeNull();
      expect(events.map((event) => event.outcome)).toEqual(['invalid']);
    });
  });

  describe('listUsers', () => {
    it('pages through the users a search finds, sorted by e-mail', async () => {
      const prefix = `page-${unique()}`;
      const emails = Array.from({ length: USERS_PAGE_SIZE + 2 }, (_, index) => `${prefix}-${String(index).padStart(2, '0')}@example.com`);
      // Created out of order: the order of the pages comes from the query.
      for (const email of [...emails].reverse()) await createUser(db, { role: 'reviewer', email });
      const context = await adminContext();

      const first = await listUsers(context, { query: prefix });
      const second = await listUsers(context, { query: prefix, page: '2' });
      const third = await listUsers(context, { query: prefix, page: 3 });
      expect(first.ok && second.ok && third.ok).toBe(true);
      if (!first.ok || !second.ok || !third.ok) return;
      expect(first.data).toMatchObject({ total: emails.length, page: 1, pageSize: USERS_PAGE_SIZE });
      expect(first.data.users.map((user) => user.email)).toEqual(emails.slice(0, USERS_PAGE_SIZE));
      expect(second.data.users.map((user) => user.email)).toEqual(emails.slice(USERS_PAGE_SIZE));
      expect(second.data.page).toBe(2);
      expect(third.data.users).toEqual([]);
      expect(third.data.total).toBe(emails.length);
    });

    it('searches e-mail and name, ignoring case', async () => {
      const tag = unique();
      const byEmail = await createUser(db, { role: 'reviewer', email: `finder-${tag}@example.com` });
      const byName = await createUser(db, { role: 'reviewer' });
      await db.user.update({ where: { id: byName.id }, data: { name: `Ada Finder-${tag}` } });
      await createUser(db, { role: 'reviewer' });
      const context = await adminContext();

      const result = await listUsers(context, { query: `FINDER-${tag.toUpperCase()}` });
      expect(result.ok && result.data.users.map((user) => user.id).sort()).toEqual([byEmail.id, byName.id].sort());
      expect(result.ok && result.data.total).toBe(2);
    });

    it('matches %, _ and \\ literally in a search', async () => {
      const tag = unique();
      const literal = await createUser(db, { role: 'reviewer', email: `under_score-${tag}@example.com` });
      await createUser(db, { role: 'reviewer', email: `underxscore-${tag}@example.com` });
      const context = await adminContext();

      const underscore = await listUsers(context, { query: `under_score-${tag}` });
      expect(underscore.ok && underscore.data.users.map((user) => user.id)).toEqual([literal.id]);
      const percent = await listUsers(context, { query: `%-${tag}` });
      expect(percent.ok && percent.data.total).toBe(0);

      const backslashed = await createUser(db, { role: 'reviewer' });
      await db.user.update({ where: { id: backslashed.id }, data: { name: `back\\slash-${tag}` } });
      const backslash = await listUsers(context, { query: `k\\slash-${tag}` });
      expect(backslash.ok && backslash.data.users.map((user) => user.id)).toEqual([backslashed.id]);
    });

    it('reports each user as active, invited or disabled, with SSO and projects', async () => {
      const tag = `status-${unique()}`;
      const active = await createUser(db, { role: 'admin', email: `${tag}-a@example.com` });
      const invited = await createUser(db, { role: 'onboarder', email: `${tag}-b@example.com`, activated: false, projectIds: [PROJECTS[2], PROJECTS[0]] });
      const disabled = await createUser(db, { role: 'reviewer', email: `${tag}-c@example.com`, disabled: true });
      const sso = await createUser(db, { role: 'reviewer', email: `${tag}-d@example.com`, activated: false });
      await db.user.update({ where: { id: sso.id }, data: { oidcSubject: `subject-${tag}` } });
      const activeRow = await db.user.update({ where: { id: active.id }, data: { name: `Ada ${tag}`, lastSignInAt: new Date('2026-03-04T05:06:07.089Z') } });
      const context = await adminContext();

      const result = await listUsers(context, { query: tag });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.data.users.map(({ id, status, isSso, projectIds }) => ({ id, status, isSso, projectIds }))).toEqual([
        { id: active.id, status: 'active', isSso: false, projectIds: [] },
        { id: invited.id, status: 'invited', isSso: false, projectIds: [PROJECTS[0], PROJECTS[2]] },
        { id: disabled.id, status: 'disabled', isSso: false, projectIds: [] },
        { id: sso.id, status: 'active', isSso: true, projectIds: [] },
      ]);
      expect(result.data.users[0]).toEqual({
        id: active.id,
        email: activeRow.email,
        name: `Ada ${tag}`,
        role: 'admin',
        status: 'active',
        isSso: false,
        projectIds: [],
        lastSignInAt: '2026-03-04T05:06:07.089Z',
        createdAt: activeRow.createdAt.toISOString(),
      });
      // A DTO: no secret or internal column travels to the page.
      expect(Object.keys(result.data.users[0]!).sort()).toEqual(
        ['createdAt', 'email', 'id', 'isSso', 'lastSignInAt', 'name', 'projectIds', 'role', 'status'].sort(),
      );
    });

    it('is open to reviewers and closed to onboarders', async () => {
      const reviewer = await createUser(db, { role: 'reviewer' });
      const onboarder = await createUser(db, { role: 'onboarder', projectIds: [PROJECTS[0]] });
      const allowed = await listUsers(contextFor(reviewer), { query: reviewer.email });
      expect(allowed.ok && allowed.data.users.map((user) => user.id)).toEqual([reviewer.id]);
      expect(await listUsers(contextFor(onboarder, [PROJECTS[0]]), {})).toEqual({
        ok: false,
        error: { code: 'forbidden', message: expect.any(String) },
      });
    });

    it('refuses an invalid query', async () => {
      const context = await adminContext();
      expect(await listUsers(context, { page: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await listUsers(context, { sort: 'password_hash' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    });
  });

  describe('reissueInvitation', () => {
    it('issues a new link and stops the old one working', async () => {
      const context = await adminContext();
      const email = uniqueEmail('reissue');
      const invited = await inviteUser(context, { email, role: 'reviewer' }, BASE_URL);
      expect(invited.ok).toBe(true);
      if (!invited.ok) return;
      const oldToken = tokenFromUrl(invited.data.url);
      expect(await describeInvitation(oldToken)).toEqual({ email, role: 'reviewer' });

      const { result, events } = await withAudit(() => reissueInvitation(context, { userId: invited.data.userId }, BASE_URL));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const newToken = tokenFromUrl(result.data.url);
      expect(newToken).not.toBe(oldToken);
      expect(await describeInvitation(oldToken)).toBeNull();
      expect(await describeInvitation(newToken)).toEqual({ email, role: 'reviewer' });
      expect(await databaseText(db)).not.toContain(newToken);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'user.reissue_invitation', outcome: 'succeeded', targetId: invited.data.userId });
    });

    it('refuses a user who has accepted, a disabled user and an unknown user', async () => {
      const context = await adminContext();
      const accepted = await createUser(db, { role: 'reviewer' });
      const disabled = await createUser(db, { role: 'reviewer', activated: false, disabled: true });
      for (const [userId, code] of [
        [accepted.id, 'conflict'],
        [disabled.id, 'conflict'],
        [UNKNOWN_USER_ID, 'not_found'],
      ] as const) {
        const before = await snapshotTables(db);
        const { result, events } = await withAudit(() => reissueInvitation(context, { userId }, BASE_URL));
        expect(result).toMatchObject({ ok: false, error: { code } });
        expect(await snapshotTables(db)).toEqual(before);
        expect(events.map((event) => event.outcome)).toEqual(['failed']);
      }
    });
  });

  describe('changeUserRole', () => {
    it('changes the role, bumps the session version and audits the change', async () => {
      const context = await adminContext();
      const user = await createUser(db, { role: 'reviewer' });
      const { result, events } = await withAudit(() => changeUserRole(context, { userId: user.id, role: 'admin' }));
      expect(result).toEqual({ ok: true, data: { role: 'admin' } });
      const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(after.role).toBe('admin');
      expect(after.sessionVersion).toBe(user.sessionVersion + 1);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'user.change_role', outcome: 'succeeded', targetId: user.id, details: { from: 'reviewer', to: 'admin' } });
    });

    it('clears project assignments when a user stops being an onboarder', async () => {
      const context = await adminContext();
      const user = await createUser(db, { role: 'onboarder', projectIds: [PROJECTS[0], PROJECTS[1]] });
      const result = await changeUserRole(context, { userId: user.id, role: 'reviewer' });
      expect(result.ok).toBe(true);
      expect(await db.projectAssignment.count({ where: { userId: user.id } })).toBe(0);
    });

    it('changes nothing when the role is already the one asked for', async () => {
      const context = await adminContext();
      const user = await createUser(db, { role: 'onboarder', projectIds: [PROJECTS[0]] });
      const before = await snapshotTables(db);
      const result = await changeUserRole(context, { userId: user.id, role: 'onboarder' });
      expect(result).toEqual({ ok: true, data: { role: 'onboarder' } });
      expect(await snapshotTables(db)).toEqual(before);
    });

    it('refuses an unknown user', async () => {
      const context = await adminContext();
      expect(await changeUserRole(context, { userId: UNKNOWN_USER_ID, role: 'admin' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });
  });

  describe('assignProjects', () => {
    it('replaces the set of assigned projects', async () => {
      const context = await adminContext();
      const user = await createUser(db, { role: 'onboarder', projectIds: [PROJECTS[0], PROJECTS[1]] });
      const { result, events } = await withAudit(() =>
        assignProjects(context, { userId: user.id, projectIds: [PROJECTS[2], PROJECTS[1], PROJECTS[2]] }),
      );
      expect(result).toEqual({ ok: true, data: { projectIds: [PROJECTS[1], PROJECTS[2]] } });
      const rows = await db.projectAssignment.findMany({ where: { userId: user.id }, orderBy: { projectId: 'asc' } });
      expect(rows.map((row) => row.projectId)).toEqual([PROJECTS[1], PROJECTS[2]]);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'user.assign_projects',
        outcome: 'succeeded',
        details: { from: [PROJECTS[0], PROJECTS[1]], to: [PROJECTS[1], PROJECTS[2]] },
      });

      expect(await assignProjects(context, { userId: user.id, projectIds: [] })).toEqual({ ok: true, data: { projectIds: [] } });
      expect(await db.projectAssignment.count({ where: { userId: user.id } })).toBe(0);
    });

    it('assigns projects to onboarders only', async () => {
      const context = await adminContext();
      const reviewer = await createUser(db, { role: 'reviewer' });
      const result = await assignProjects(context, { userId: reviewer.id, projectIds: [PROJECTS[0]] });
      expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await db.projectAssignment.count({ where: { userId: reviewer.id } })).toBe(0);
    });

    it('refuses an unknown project and keeps the current set', async () => {
      const context = await adminContext();
      const user = await createUser(db, { role: 'onboarder', projectIds: [PROJECTS[0]] });
      const { result, events } = await withAudit(() => assignProjects(context, { userId: user.id, projectIds: [PROJECTS[1], 'no-such-project'] }));
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      const rows = await db.projectAssignment.findMany({ where: { userId: user.id } });
      expect(rows.map((row) => row.projectId)).toEqual([PROJECTS[0]]);
      expect(events.map((event) => event.outcome)).toEqual(['invalid']);
    });
  });

  describe('disableUser and enableUser', () => {
    it('disables a user, bumps the session version and kills their pending invitation', async () => {
      const context = await adminContext();
      const invited = await inviteUser(context, { email: uniqueEmail('to-disable'), role: 'reviewer' }, BASE_URL);
      expect(invited.ok).toBe(true);
      if (!invited.ok) return;
      const token = tokenFromUrl(invited.data.url);
      const before = await db.user.findUniqueOrThrow({ where: { id: invited.data.userId } });

      const { result, events } = await withAudit(() => disableUser(context, { userId: before.id }));
      expect(result).toEqual({ ok: true, data: { disabled: true } });
      const after = await db.user.findUniqueOrThrow({ where: { id: before.id } });
      expect(after.disabledAt).not.toBeNull();
      expect(after.sessionVersion).toBe(before.sessionVersion + 1);
      expect(await findUsableLink(db, token, 'invitation')).toBeNull();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'user.disable', outcome: 'succeeded', targetId: before.id });

      // Enabling again does not bring the old link back.
      const enabled = await enableUser(context, { userId: before.id });
      expect(enabled).toEqual({ ok: true, data: { enabled: true } });
      const reenabled = await db.user.findUniqueOrThrow({ where: { id: before.id } });
      expect(reenabled.disabledAt).toBeNull();
      expect(reenabled.sessionVersion).toBe(before.sessionVersion + 2);
      expect(await describeInvitation(token)).toBeNull();
    });

    it('refuses to disable your own account', async () => {
      const admin = await createUser(db, { role: 'admin' });
      const before = await snapshotTables(db);
      const { result, events } = await withAudit(() => disableUser(contextFor(admin), { userId: admin.id }));
      expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await snapshotTables(db)).toEqual(before);
      expect(events.map((event) => event.outcome)).toEqual(['failed']);
    });

    it('enables a disabled user and audits it', async () => {
      const context = await adminContext();
      const user = await createUser(db, { role: 'reviewer', disabled: true });
      const { result, events } = await withAudit(() => enableUser(context, { userId: user.id }));
      expect(result).toEqual({ ok: true, data: { enabled: true } });
      const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(after.disabledAt).toBeNull();
      expect(after.sessionVersion).toBe(user.sessionVersion + 1);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'user.enable', outcome: 'succeeded', targetId: user.id });
    });

    it('treats disabling a disabled user and enabling an enabled one as no change', async () => {
      const context = await adminContext();
      const disabled = await createUser(db, { role: 'reviewer', disabled: true });
      const enabled = await createUser(db, { role: 'reviewer' });
      const before = await snapshotTables(db);
      expect(await disableUser(context, { userId: disabled.id })).toEqual({ ok: true, data: { disabled: true } });
      expect(await enableUser(context, { userId: enabled.id })).toEqual({ ok: true, data: { enabled: true } });
      expect(await snapshotTables(db)).toEqual(before);
    });
  });

  describe('the last active admin', () => {
    // These tests need to know every admin in the database: each starts from an empty users table.
    async function onlyAdmin() {
      await db.user.deleteMany({});
      return createUser(db, { role: 'admin' });
    }

    it('cannot be demoted, even by themselves; a disabled admin does not count', async () => {
      const admin = await onlyAdmin();
      const disabledAdmin = await createUser(db, { role: 'admin', disabled: true });
      const context = contextFor(admin);
      const before = await snapshotTables(db);
      const { result, events } = await withAudit(() => changeUserRole(context, { userId: admin.id, role: 'reviewer' }));
      expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await snapshotTables(db)).toEqual(before);
      expect(events.map((event) => event.outcome)).toEqual(['failed']);

      // With a second active admin, the same demotion goes through.
      expect((await enableUser(context, { userId: disabledAdmin.id })).ok).toBe(true);
      expect(await changeUserRole(context, { userId: admin.id, role: 'reviewer' })).toEqual({ ok: true, data: { role: 'reviewer' } });
    });

    it('does not count an admin invitation nobody accepted: it may expire and leave nobody in charge', async () => {
      const admin = await onlyAdmin();
      await createUser(db, { role: 'admin', activated: false });
      const result = await changeUserRole(contextFor(admin), { userId: admin.id, role: 'reviewer' });
      expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe('admin');
    });

    it('cannot be disabled, even by a session that outlived its own admin rights', async () => {
      const admin = await onlyAdmin();
      // A request from an admin disabled a moment ago, still carrying an admin session.
      const stale = await createUser(db, { role: 'admin', disabled: true });
      const { result, events } = await withAudit(() => disableUser(contextFor(stale), { userId: admin.id }));
      expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).disabledAt).toBeNull();
      expect(events.map((event) => event.outcome)).toEqual(['failed']);
    });
  });

  describe('audit in the same transaction', () => {
    it('rolls the change back when its audit row cannot be written', async () => {
      const context = await adminContext();
      const user = await createUser(db, { role: 'reviewer', disabled: true });
      // Make the database refuse exactly this mutation's 'succeeded' audit row.
      await db.$executeRawUnsafe(`
        CREATE FUNCTION test_refuse_audit() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit sink unavailable'; END; $$ LANGUAGE plpgsql`);
      await db.$executeRawUnsafe(`
        CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW
        WHEN (NEW.target_id = '${user.id}' AND NEW.outcome = 'succeeded') EXECUTE FUNCTION test_refuse_audit()`);
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const { result, events } = await withAudit(() => enableUser(context, { userId: user.id }));
        expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
        // The unexpected error is logged for operators, not shown to the user.
        expect(String(stderr.mock.calls[0]?.[0])).toContain('"message":"mutation failed"');
        expect(JSON.stringify(result)).not.toContain('audit sink unavailable');
        const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
        expect(after.disabledAt).not.toBeNull();
        expect(after.sessionVersion).toBe(user.sessionVersion);
        expect(events.map((event) => event.outcome)).toEqual(['failed']);
      } finally {
        stderr.mockRestore();
        await db.$executeRawUnsafe('DROP TRIGGER test_refuse_audit ON audit_events');
        await db.$executeRawUnsafe('DROP FUNCTION test_refuse_audit()');
      }
      // Without the fault, the same call succeeds: the rollback above came from the audit write.
      expect(await enableUser(context, { userId: user.id })).toEqual({ ok: true, data: { enabled: true } });
    });
  });
});

// Machine users (issue 4) against the Platform.sh simulator over real HTTP, on PGlite and
// PostgreSQL: the invitation and its audit trail, the rules, every kind of API failure reconciled
// with what the simulator really holds, re-send / cancel / role changes / removal, tracking (expiry,
// cancellation, drift), and the read side (scope, search, timeline, wizard options).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { PRESETS, toPermissions } from '@/lib/machine-users/roles';
import type { PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail, storeAccess, storeInvitations } from '@/lib/testing/machine-users';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { inviteMachineUser } from './invite';
import { changeMachineUserRoles, manageInvitation, removeMachineUser } from './manage';
import { getMachineUser, getOnboardingOptions, listMachineUsers } from './queries';
import { INVITATION_LIFETIME_MS, trackMachineUsers } from './tracking';

const INVITATIONS_PATH = '/projects/{projectId}/invitations';
const sorted = (values: readonly string[]) => [...values].sort();

describe.each(TEST_DATABASE_KINDS)('machine users on %s', (kind) => {
  /** What removal needs: it revokes tokens too (offboarding). */
  const removalDeps = () => ({ dashboard: client, clientForToken: (apiToken: string) => simulatorClient(sim, { apiToken }), fingerprintKey: 'machine-users-fingerprint-key-0123456789abcdef' });
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let client: PlatformshClient;
  const extraClients: PlatformshClient[] = [];
  let admin: RequestContext;
  let owner: { id: string; email: string };
  let backupOwner: { id: string; email: string };
  let projectIds: string[];
  let P0: string;
  let P1: string;

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ faults: true, seed: 'demo', activityDurationMs: 50 });
    const syncClient = simulatorClient(sim);
    // The demo organisation's projects, and the dashboard's own account, as a sync records them.
    const { outcome } = await runSync(db, syncClient, { full: true });
    syncClient.dispose();
    expect(outcome.status).toBe('succeeded');
    expect(await db.dashboardAccount.findUnique({ where: { id: 1 } })).toMatchObject({ userId: sim.demo!.dashboardUser.id, email: sim.demo!.dashboardUser.email.toLowerCase() });
    projectIds = sim.demo!.projectIds;
    [P0, P1] = projectIds as [string, string];
    admin = contextFor(await createUser(db, { role: 'admin' }));
    owner = await createUser(db, { role: 'onboarder' });
    backupOwner = await createUser(db, { role: 'reviewer' });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  beforeEach(async () => {
    await db.machineUser.deleteMany();
    client = simulatorClient(sim);
  });

  afterEach(() => {
    sim.faults.clear();
    client.dispose();
    for (const extra of extraClients.splice(0)) extra.dispose();
  });

  const input = (overrides: Partial<Parameters<typeof inviteInput>[0]> = {}) => inviteInput({ projectId: P0, ownerId: owner.id, backupOwnerId: backupOwner.id, ...overrides });
  const onboarder = async (assigned: string[]) => contextFor(await createUser(db, { role: 'onboarder', projectIds: assigned }), assigned);

  /** Invites as the admin and expects the invitation out. */
  async function invited(overrides: Partial<Parameters<typeof inviteInput>[0]> = {}) {
    const given = input(overrides);
    const result = await inviteMachineUser(admin, given, client);
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.data.outcome).toBe('invited');
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: result.data.machineUserId } });
    return { input: given, row };
  }

  /** Invites, accepts in the simulator and tracks: an active machine user. */
  async function active(overrides: Partial<Parameters<typeof inviteInput>[0]> = {}) {
    const { input: given, row } = await invited(overrides);
    const accepted = await acceptInvitation(sim, row.invitationId!);
    expect(await trackMachineUsers(db, client, row.projectId)).toBe(1);
    const after = await db.machineUser.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ state: 'active', platformshUserId: accepted.user_id });
    return { input: given, row: after, userId: accepted.user_id };
  }

  const noRowsFor = async (email: string) => expect(await db.machineUser.count({ where: { email } })).toBe(0);

  describe('inviting', () => {
    it('records the machine user, creates the invitation with exactly the chosen roles, audits both steps, and follows it to an active account', async () => {
      const seq = await lastAuditSeq(db);
      const given = input({ purpose: 'backups' });
      const result = await inviteMachineUser(admin, given, client);
      expect(result).toEqual({ ok: true, data: { machineUserId: expect.any(String), outcome: 'invited', message: expect.stringContaining(given.email) } });
      const id = result.ok ? result.data.machineUserId : '';

      const invitations = storeInvitations(sim, P0, given.email);
      expect(invitations).toHaveLength(1);
      expect(invitations[0]).toMatchObject({ state: 'pending', role: 'viewer', environmentRoles: [{ type: 'production', role: 'admin' }], ownerId: sim.demo!.dashboardUser.id });

      const row = await db.machineUser.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({
        projectId: P0,
        purpose: 'backups',
        email: given.email,
        permissions: ['viewer', 'production:admin'],
        needsSshKey: false,
        state: 'invited',
        invitationId: invitations[0]!.id,
        invitationState: 'pending',
        ownerId: owner.id,
        backupOwnerId: backupOwner.id,
        reuseReason: null,
        lastError: null,
        platformshUserId: null,
        createdById: admin.actor.id,
        removedAt: null,
      });
      expect(row.invitationSentAt?.toISOString()).toBe(new Date(invitations[0]!.createdAt).toISOString());

      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome, event.targetType, event.targetId, (event.details as { step?: string }).step])).toEqual([
        ['machine_user.invite', 'succeeded', 'machine_user', id, 'recorded'],
        ['machine_user.invite', 'succeeded', 'machine_user', id, 'invitation_sent'],
      ]);
      expect(events.every((event) => event.actorId === admin.actor.id)).toBe(true);
      expect(events[0]!.details).toMatchObject({ projectId: P0, purpose: 'backups', email: given.email, permissions: ['viewer', 'production:admin'] });
      expect(events[1]!.details).toMatchObject({ invitationId: invitations[0]!.id });

      // The invitee accepts; the next check links the account.
      const accepted = await acceptInvitation(sim, invitations[0]!.id);
      const trackSeq = await lastAuditSeq(db);
      expect(await trackMachineUsers(db, client, P0)).toBe(1);
      const after = await db.machineUser.findUniqueOrThrow({ where: { id } });
      expect(after).toMatchObject({ state: 'active', platformshUserId: accepted.user_id, invitationState: 'accepted', lastError: null });
      expect(sorted(after.permissions)).toEqual(sorted(['viewer', 'production:admin']));
      expect(storeAccess(sim, P0, given.email)).toEqual({ userId: accepted.user_id, permissions: sorted(['viewer', 'production:admin']) });
      expect((await auditEventsSince(db, trackSeq)).map((event) => [event.action, event.actorId, event.targetId])).toEqual([['machine_user.invitation_accepted', null, id]]);
      // Nothing more to report on the next check.
      expect(await trackMachineUsers(db, client, P0)).toBe(0);
    });

    it('sends a project admin as role admin without per-type roles', async () => {
      const given = { ...input({ purpose: 'custom' }), roles: { projectRole: 'admin', environments: { production: 'none', staging: 'none', development: 'none' } } };
      const result = await inviteMachineUser(admin, given, client);
      expect(result.ok && result.data.outcome).toBe('invited');
      expect(storeInvitations(sim, P0, given.email)).toEqual([expect.objectContaining({ role: 'admin', environmentRoles: [], state: 'pending' })]);
      expect((await db.machineUser.findFirstOrThrow({ where: { email: given.email } })).permissions).toEqual(['admin']);
    });
  });

  describe('the rules', () => {
    it('refuses the dashboard’s own account', async () => {
      const seq = await lastAuditSeq(db);
      const email = sim.demo!.dashboardUser.email.toUpperCase();
      const result = await inviteMachineUser(admin, input({ email }), client);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { email: [expect.stringContaining('dashboard')] } } });
      await noRowsFor(email.toLowerCase());
      expect(storeInvitations(sim, P0, email)).toHaveLength(0);
      expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([['machine_user.invite', 'invalid']]);
    });

    it('refuses the same address twice on one project, even for an admin with a reason', async () => {
      const { input: first } = await invited({ purpose: 'backups' });
      const result = await inviteMachineUser(admin, input({ email: first.email, purpose: 'ci_tests', overrideReason: 'The same bot does both jobs here.' }), client);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { email: ['Already used on this project.'] } } });
      expect(await db.machineUser.count({ where: { email: first.email } })).toBe(1);
      expect(storeInvitations(sim, P0, first.email)).toHaveLength(1);
    });

    it('reuses an address of another project only for an admin with a written reason, kept in the record and the audit', async () => {
      const { input: first } = await invited({ projectId: P0 });
      const again = input({ projectId: P1, email: first.email });

      const byOnboarder = await inviteMachineUser(await onboarder([P0, P1]), { ...again, overrideReason: 'An onboarder tries to override this.' }, client);
      expect(byOnboarder).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('another project') } });
      const withoutReason = await inviteMachineUser(admin, again, client);
      expect(withoutReason).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { overrideReason: [expect.any(String)] } } });
      const shortReason = await inviteMachineUser(admin, { ...again, overrideReason: 'because' }, client);
      expect(shortReason).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { overrideReason: [expect.any(String)] } } });
      expect(await db.machineUser.count({ where: { email: first.email } })).toBe(1);
      expect(storeInvitations(sim, P1, first.email)).toHaveLength(0);

      const reason = 'One shared bot account for both storefront projects, agreed with security.';
      const seq = await lastAuditSeq(db);
      const allowed = await inviteMachineUser(admin, { ...again, overrideReason: reason }, client);
      expect(allowed.ok && allowed.data.outcome).toBe('invited');
      const row = await db.machineUser.findFirstOrThrow({ where: { email: first.email, projectId: P1 } });
      expect(row.reuseReason).toBe(reason);
      const recorded = (await auditEventsSince(db, seq))[0]!;
      expect(recorded.details).toMatchObject({ step: 'recorded', targetName: first.email, override: { reason, rules: ['the address already serves another project'] } });
      // The admin's written reason is the row's reason (issue 15 §6).
      expect(recorded).toMatchObject({ action: 'machine_user.invite', reason });
      expect(storeInvitations(sim, P1, first.email)).toHaveLength(1);
      // The first machine user's reason is untouched (none was needed).
      expect((await db.machineUser.findFirstOrThrow({ where: { email: first.email, projectId: P0 } })).reuseReason).toBeNull();
    });

    it('allows a second machine user for the same project and purpose only with an admin’s reason', async () => {
      await invited({ purpose: 'ci_tests' });
      const second = input({ purpose: 'ci_tests' });
      expect(await inviteMachineUser(await onboarder([P0]), second, client)).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('already has a machine user for this purpose') } });
      expect(await inviteMachineUser(admin, second, client)).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { overrideReason: [expect.any(String)] } } });
      await noRowsFor(second.email);
      // Another purpose on the same project needs no reason.
      const other = await inviteMachineUser(await onboarder([P0]), input({ purpose: 'source_operations' }), client);
      expect(other.ok && other.data.outcome).toBe('invited');
      const reason = 'A second CI pipeline with its own credentials.';
      const allowed = await inviteMachineUser(admin, { ...second, overrideReason: reason }, client);
      expect(allowed.ok && allowed.data.outcome).toBe('invited');
      expect((await db.machineUser.findFirstOrThrow({ where: { email: second.email } })).reuseReason).toBe(reason);
    });

    it('a removed machine user no longer counts for the purpose rule', async () => {
      const { row } = await invited({ purpose: 'certificate_renewal' });
      expect((await removeMachineUser(admin, { machineUserId: row.id, confirmEmail: row.email }, removalDeps())).ok).toBe(true);
      const next = await inviteMachineUser(await onboarder([P0]), input({ purpose: 'certificate_renewal' }), client);
      expect(next.ok && next.data.outcome).toBe('invited');
    });

    it('refuses an onboarder on a project not assigned to them, and a reviewer, with the refusal audited and nothing changed', async () => {
      for (const context of [await onboarder([P1]), contextFor(await createUser(db, { role: 'reviewer' }))]) {
        const given = input({ projectId: P0 });
        const before = await snapshotTables(db);
        const seq = await lastAuditSeq(db);
        const result = await inviteMachineUser(context, given, client);
        expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
        expect(await snapshotTables(db)).toEqual(before);
        expect(storeInvitations(sim, P0, given.email)).toHaveLength(0);
        const events = await auditEventsSince(db, seq);
        expect(events.map((event) => [event.action, event.outcome, event.actorId])).toEqual([['machine_user.invite', 'refused', context.actor.id]]);
      }
      // Positive control: the onboarder on an assigned project may.
      const allowed = await inviteMachineUser(await onboarder([P0]), input({ projectId: P0 }), client);
      expect(allowed.ok && allowed.data.outcome).toBe('invited');
    });

    it('refuses invalid input: a bad address, the owner as backup, an unknown or disabled owner, an unknown project', async () => {
      const disabled = await createUser(db, { role: 'admin', disabled: true });
      const cases: [unknown, string, string][] = [
        [{ ...input(), email: 'not an address' }, 'invalid_input', 'email'],
        [input({ backupOwnerId: owner.id }), 'invalid_input', 'backupOwnerId'],
        [input({ ownerId: '00000000-0000-4000-8000-000000000000' }), 'invalid_input', 'ownerId'],
        [input({ ownerId: disabled.id }), 'invalid_input', 'ownerId'],
        [input({ backupOwnerId: disabled.id }), 'invalid_input', 'backupOwnerId'],
        [{ ...input(), roles: { projectRole: 'owner', environments: { production: 'none', staging: 'none', development: 'none' } } }, 'invalid_input', 'roles.projectRole'],
        [{ ...input(), extra: true }, 'invalid_input', 'form'],
      ];
      for (const [given, code, field] of cases) {
        const before = await db.machineUser.count();
        const result = await inviteMachineUser(admin, given, client);
        expect(result, JSON.stringify(given)).toMatchObject({ ok: false, error: { code, fieldErrors: { [field]: [expect.any(String)] } } });
        expect(await db.machineUser.count()).toBe(before);
      }
      expect(await inviteMachineUser(admin, input({ projectId: 'no-such-project' }), client)).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await db.machineUser.count()).toBe(0);
      expect(sim.requestLog.find('POST', /\/invitations$/).filter((entry) => entry.path.includes('no-such-project'))).toHaveLength(0);
    });
  });

  describe('API errors', () => {
    const invitationPosts = () => sim.requestLog.find('POST', /^\/projects\/[^/]+\/invitations(\?|$)/).length;
    const invitationReads = () => sim.requestLog.find('GET', /^\/projects\/[^/]+\/invitations(\?|$)/).length;

    it('409 already invited: replaces the pending invitation (other roles) by one with the chosen roles', async () => {
      const email = machineEmail('pending');
      const existing = sim.store.createInvitation(P0, sim.demo!.dashboardUser.id, { email, role: 'viewer', environmentRoles: [], force: false });
      const seq = await lastAuditSeq(db);
      const result = await inviteMachineUser(admin, input({ email }), client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'invited' } });
      const row = await db.machineUser.findFirstOrThrow({ where: { email } });
      expect(row).toMatchObject({ state: 'invited', invitationState: 'pending', lastError: null });
      expect(row.invitationId).not.toBe(existing.id);
      const invitations = storeInvitations(sim, P0, email);
      expect(invitations.filter((invitation) => invitation.state === 'pending')).toEqual([expect.objectContaining({ id: row.invitationId, role: 'viewer', environmentRoles: [{ type: 'production', role: 'admin' }] })]);
      expect(invitations.find((invitation) => invitation.id === existing.id)?.state).toBe('cancelled');
      expect((await auditEventsSince(db, seq)).map((event) => (event.details as { step: string }).step)).toEqual(['recorded', 'invitation_sent']);
    });

    it('409 already has access: links the existing account as active with its current roles', async () => {
      const email = machineEmail('member');
      // An account outside the organisation (GET /users/{id} answers 403) is skipped, not fatal.
      const outsider = sim.store.addUser({ username: `outsider-${email.split('@')[0]!}`, email: `outsider-${email}` });
      sim.store.grantAccess(P0, outsider.id, ['viewer']);
      const user = sim.store.addUser({ username: email.split('@')[0]!, email });
      sim.store.addOrganizationMember(sim.demo!.organizationId, user.id);
      sim.store.grantAccess(P0, user.id, ['viewer', 'staging:viewer']);
      const result = await inviteMachineUser(admin, input({ email }), client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'linked', message: expect.stringContaining('already has access') } });
      const row = await db.machineUser.findFirstOrThrow({ where: { email } });
      expect(row).toMatchObject({ state: 'active', platformshUserId: user.id, invitationState: 'accepted', lastError: null });
      expect(sorted(row.permissions)).toEqual(['staging:viewer', 'viewer']);
      expect(storeInvitations(sim, P0, email)).toHaveLength(0);
      expect(await db.auditEvent.count({ where: { targetId: row.id, action: 'machine_user.access_linked', outcome: 'succeeded' } })).toBe(1);
    });

    it('403: records the error, says nothing was created, audits the failure', async () => {
      sim.faults.add({ method: 'POST', path: INVITATIONS_PATH, kind: 'status', status: 403, count: 1 });
      const given = input();
      const seq = await lastAuditSeq(db);
      const [posts, reads] = [invitationPosts(), invitationReads()];
      const result = await inviteMachineUser(admin, given, client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'failed', message: expect.stringContaining('Nothing was created on Platform.sh') } });
      const row = await db.machineUser.findFirstOrThrow({ where: { email: given.email } });
      expect(row).toMatchObject({ state: 'error', invitationId: null, invitationState: 'not sent', lastError: expect.stringContaining('Nothing was created') });
      expect(storeInvitations(sim, P0, given.email)).toHaveLength(0);
      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.outcome, (event.details as { step: string }).step])).toEqual([
        ['succeeded', 'recorded'],
        ['failed', 'invitation_failed'],
      ]);
      expect(events[1]!.reason).toContain('HTTP 403');
      // A refusal is not retried and needs no read.
      expect([invitationPosts(), invitationReads()]).toEqual([posts + 1, reads]);
    });

    it('500 that did not apply: reads, finds none pending, and says nothing was created', async () => {
      sim.faults.add({ method: 'POST', path: INVITATIONS_PATH, kind: 'status', status: 500, count: 1 });
      const given = input();
      const posts = invitationPosts();
      const result = await inviteMachineUser(admin, given, client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'failed', message: expect.stringContaining('none is pending') } });
      expect(invitationPosts()).toBe(posts + 1);
      expect(await db.machineUser.findFirstOrThrow({ where: { email: given.email } })).toMatchObject({ state: 'error', invitationState: 'not sent', invitationId: null });
      expect(storeInvitations(sim, P0, given.email)).toHaveLength(0);
    });

    it('apply-then-drop: the invitation was created; it is found and linked, not sent twice', async () => {
      sim.faults.add({ method: 'POST', path: INVITATIONS_PATH, kind: 'apply-then-drop', count: 1 });
      const given = input();
      const posts = invitationPosts();
      const result = await inviteMachineUser(admin, given, client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'linked', message: expect.stringContaining('the answer was lost') } });
      expect(invitationPosts()).toBe(posts + 1);
      const invitations = storeInvitations(sim, P0, given.email);
      expect(invitations).toHaveLength(1);
      expect(await db.machineUser.findFirstOrThrow({ where: { email: given.email } })).toMatchObject({ state: 'invited', invitationId: invitations[0]!.id, invitationState: 'pending' });
    });

    it('a POST that hangs past the client’s deadline: reads before concluding, and reports what the simulator holds', async () => {
      const impatient = simulatorClient(sim, { timeoutMs: 300 });
      extraClients.push(impatient);
      sim.faults.add({ method: 'POST', path: INVITATIONS_PATH, kind: 'hang', count: 1 });
      const given = input();
      const reads = invitationReads();
      const started = Date.now();
      const result = await inviteMachineUser(admin, given, impatient);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(invitationReads()).toBeGreaterThan(reads);
      // The hung request was never applied: the read finds nothing, and says so.
      expect(result).toMatchObject({ ok: true, data: { outcome: 'failed', message: expect.stringContaining('none is pending') } });
      expect(storeInvitations(sim, P0, given.email)).toHaveLength(0);
      // A re-send then works.
      const row = await db.machineUser.findFirstOrThrow({ where: { email: given.email } });
      const resent = await manageInvitation(admin, { machineUserId: row.id, operation: 'resend' }, client);
      expect(resent).toMatchObject({ ok: true, data: { outcome: 'invited' } });
      expect(storeInvitations(sim, P0, given.email)).toHaveLength(1);
    });

    it('a lost answer and a failing read: outcome unknown; the next check links the invitation by address', async () => {
      sim.faults.add({ method: 'POST', path: INVITATIONS_PATH, kind: 'apply-then-drop', count: 1 });
      sim.faults.add({ method: 'GET', path: INVITATIONS_PATH, kind: 'status', status: 503 });
      const given = input();
      const seq = await lastAuditSeq(db);
      const result = await inviteMachineUser(admin, given, client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'unknown', message: expect.stringContaining('do not re-send') } });
      const invitations = storeInvitations(sim, P0, given.email);
      expect(invitations).toHaveLength(1);
      const row = await db.machineUser.findFirstOrThrow({ where: { email: given.email } });
      expect(row).toMatchObject({ state: 'invited', invitationId: null, invitationState: 'unknown', lastError: expect.stringContaining('next sync') });
      expect((await auditEventsSince(db, seq)).map((event) => [event.outcome, (event.details as { step: string }).step])).toEqual([
        ['succeeded', 'recorded'],
        ['failed', 'invitation_unknown'],
      ]);

      sim.faults.clear();
      const fresh = simulatorClient(sim);
      extraClients.push(fresh);
      expect(await trackMachineUsers(db, fresh, P0)).toBe(1);
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'invited', invitationId: invitations[0]!.id, invitationState: 'pending' });
      expect(storeInvitations(sim, P0, given.email)).toHaveLength(1);
    });
  });

  describe('managing', () => {
    it('re-sends: the pending invitation is replaced, the old one cancelled in the simulator', async () => {
      const { row } = await invited();
      const seq = await lastAuditSeq(db);
      const result = await manageInvitation(admin, { machineUserId: row.id, operation: 'resend' }, client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'invited' } });
      // The operation's own name (issue 15 §6), then the invitation sent.
      expect((await auditEventsSince(db, seq)).map((event) => event.action)).toEqual(['machine_user.resend_invitation', 'machine_user.invite']);
      const invitations = storeInvitations(sim, P0, row.email);
      expect(invitations.map((invitation) => [invitation.id === row.invitationId, invitation.state])).toEqual([
        [true, 'cancelled'],
        [false, 'pending'],
      ]);
      const after = await db.machineUser.findUniqueOrThrow({ where: { id: row.id } });
      expect(after).toMatchObject({ state: 'invited', invitationId: invitations[1]!.id, invitationState: 'pending' });
      expect(invitations[1]).toMatchObject({ role: 'viewer', environmentRoles: [{ type: 'production', role: 'admin' }] });
    });

    it('cancels: the invitation is cancelled in the simulator and the record says so', async () => {
      const { row } = await invited();
      const seq = await lastAuditSeq(db);
      const result = await manageInvitation(admin, { machineUserId: row.id, operation: 'cancel' }, client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'done' } });
      expect((await auditEventsSince(db, seq)).map((event) => [event.action, (event.details as { step: string }).step])).toEqual([
        ['machine_user.cancel_invitation', 'requested'],
        ['machine_user.cancel_invitation', 'cancelled'],
      ]);
      expect(storeInvitations(sim, P0, row.email).map((invitation) => invitation.state)).toEqual(['cancelled']);
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'cancelled', invitationState: 'cancelled' });
      // Nothing left to cancel.
      expect(await manageInvitation(admin, { machineUserId: row.id, operation: 'cancel' }, client)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });

    it('changing the roles while invited re-invites with the new roles', async () => {
      const { row } = await invited({ purpose: 'backups' });
      const result = await changeMachineUserRoles(admin, { machineUserId: row.id, roles: PRESETS.ci_tests.roles }, client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'invited' } });
      const invitations = storeInvitations(sim, P0, row.email);
      expect(invitations.map((invitation) => invitation.state)).toEqual(['cancelled', 'pending']);
      expect(invitations[1]).toMatchObject({
        role: 'viewer',
        environmentRoles: [
          { type: 'production', role: 'viewer' },
          { type: 'staging', role: 'viewer' },
          { type: 'development', role: 'viewer' },
        ],
      });
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'invited', invitationId: invitations[1]!.id, permissions: toPermissions(PRESETS.ci_tests.roles) });
      // Accepting the new invitation grants exactly the new roles.
      await acceptInvitation(sim, invitations[1]!.id);
      expect(storeAccess(sim, P0, row.email)?.permissions).toEqual(sorted(toPermissions(PRESETS.ci_tests.roles)));
    });

    it('changing the roles while active changes the access on Platform.sh; identical roles are refused', async () => {
      const { row, userId } = await active({ purpose: 'backups' });
      const same = await changeMachineUserRoles(admin, { machineUserId: row.id, roles: PRESETS.backups.roles }, client);
      expect(same).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { roles: [expect.any(String)] } } });
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);

      const result = await changeMachineUserRoles(admin, { machineUserId: row.id, roles: PRESETS.source_operations.roles }, client);
      expect(result).toMatchObject({ ok: true, data: { outcome: 'done' } });
      expect(storeAccess(sim, P0, row.email)).toEqual({ userId, permissions: sorted(['viewer', 'development:contributor']) });
      const after = await db.machineUser.findUniqueOrThrow({ where: { id: row.id } });
      expect(after).toMatchObject({ state: 'active', permissions: ['viewer', 'development:contributor'] });
      expect(storeInvitations(sim, P0, row.email).filter((invitation) => invitation.state === 'pending')).toHaveLength(0);
    });

    it('removes an active machine user: its access is gone on Platform.sh, the record stays as removed', async () => {
      const { row, userId } = await active();
      const result = await removeMachineUser(admin, { machineUserId: row.id, confirmEmail: row.email }, removalDeps());
      expect(result).toMatchObject({ ok: true, data: { outcome: 'done', message: expect.stringContaining('revoked') } });
      expect(sim.store.projects.get(P0)!.access.has(userId)).toBe(false);
      const after = await db.machineUser.findUniqueOrThrow({ where: { id: row.id } });
      expect(after).toMatchObject({ state: 'removed', platformshUserId: userId });
      expect(after.removedAt).toBeInstanceOf(Date);
      // Twice: refused as a conflict, and nothing more happens.
      expect(await removeMachineUser(admin, { machineUserId: row.id, confirmEmail: row.email }, removalDeps())).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toEqual(after);
    });

    it('removes an invited machine user by cancelling its invitation', async () => {
      const { row } = await invited();
      const result = await removeMachineUser(admin, { machineUserId: row.id, confirmEmail: row.email }, removalDeps());
      expect(result).toMatchObject({ ok: true, data: { outcome: 'done', message: expect.stringContaining('invitation was cancelled') } });
      expect(storeInvitations(sim, P0, row.email).map((invitation) => invitation.state)).toEqual(['cancelled']);
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'removed', removedAt: expect.any(Date) });
    });

    it('refuses a removal whose confirmation names another address, changing nothing', async () => {
      const { row, userId } = await active();
      const deletes = sim.requestLog.find('DELETE', /\/access\//).length;
      const result = await removeMachineUser(admin, { machineUserId: row.id, confirmEmail: machineEmail('other') }, removalDeps());
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { confirmEmail: [expect.stringContaining(row.email)] } } });
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
      expect(sim.store.projects.get(P0)!.access.has(userId)).toBe(true);
      expect(sim.requestLog.find('DELETE', /\/access\//)).toHaveLength(deletes);
    });
  });

  describe('tracking', () => {
    it('shows a pending invitation older than its lifetime as expired', async () => {
      const { row } = await invited();
      expect(await trackMachineUsers(db, client, P0, { now: new Date(Date.now() + INVITATION_LIFETIME_MS - 60_000) })).toBe(0);
      expect((await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).state).toBe('invited');
      expect(await trackMachineUsers(db, client, P0, { now: new Date(Date.now() + INVITATION_LIFETIME_MS + 60_000) })).toBe(1);
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'expired', invitationState: 'pending' });
      expect(await db.auditEvent.count({ where: { targetId: row.id, action: 'machine_user.invitation_expired' } })).toBe(1);
    });

    it('follows an invitation cancelled on Platform.sh', async () => {
      const { row } = await invited();
      sim.store.cancelInvitation(P0, row.invitationId!);
      expect(await trackMachineUsers(db, client, P0)).toBe(1);
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'cancelled', invitationState: 'cancelled' });
    });

    it('a removal made while Platform.sh was being asked is not overwritten by what it answers', async () => {
      const { row } = await invited();
      // The poll reads the record (invited), then waits on the invitation list; the removal cancels
      // the invitation meanwhile, so the list answers "cancelled" for a record that is now removed.
      sim.faults.add({ method: 'GET', path: '/projects/{projectId}/invitations', kind: 'latency', ms: 400, count: 1 });
      const tracking = trackMachineUsers(db, client, P0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await removeMachineUser(admin, { machineUserId: row.id, confirmEmail: row.email }, removalDeps())).ok).toBe(true);
      expect(await tracking).toBe(0);
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'removed' });
      expect(await db.auditEvent.count({ where: { targetId: row.id, action: 'machine_user.invitation_cancelled' } })).toBe(0);
    });

    it('an access list read before an acceptance or a role change (the sync’s) is confirmed with a fresh read, not taken for a loss', async () => {
      const { row: waiting } = await invited({ purpose: 'ci_tests' });
      const { row: changed } = await active({ purpose: 'backups' });
      const before = await client.listUserAccess(P0);
      const accepted = await acceptInvitation(sim, waiting.invitationId!);
      expect((await changeMachineUserRoles(admin, { machineUserId: changed.id, roles: PRESETS.source_operations.roles }, client)).ok).toBe(true);
      const seq = await lastAuditSeq(db);
      expect(await trackMachineUsers(db, client, P0, { access: before })).toBe(1);
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ state: 'active', platformshUserId: accepted.user_id, lastError: null });
      expect(sorted((await db.machineUser.findUniqueOrThrow({ where: { id: changed.id } })).permissions)).toEqual(sorted(toPermissions(PRESETS.source_operations.roles)));
      expect((await auditEventsSince(db, seq)).map((event) => event.action)).toEqual(['machine_user.invitation_accepted']);
    });

    it('reports an access removed outside Keywarden as an error', async () => {
      const { row, userId } = await active();
      sim.store.driftSetUserAccess(P0, userId, null);
      expect(await trackMachineUsers(db, client, P0)).toBe(1);
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'error', lastError: expect.stringContaining('removed outside Keywarden') });
      expect(await db.auditEvent.count({ where: { targetId: row.id, action: 'machine_user.access_lost' } })).toBe(1);
    });

    it('reports roles changed outside Keywarden once, audited as Keywarden itself, and keeps the approved roles (role drift)', async () => {
      const { row, userId } = await active({ purpose: 'backups' });
      sim.store.driftSetUserAccess(P0, userId, ['viewer', 'staging:admin']);
      const seq = await lastAuditSeq(db);
      expect(await trackMachineUsers(db, client, P0)).toBe(1);
      const after = await db.machineUser.findUniqueOrThrow({ where: { id: row.id } });
      // The record is what was approved: the difference stays visible until a person acts on it.
      expect(sorted(after.permissions)).toEqual(['production:admin', 'viewer']);
      expect(after).toMatchObject({ state: 'active', lastError: expect.stringContaining('changed outside Keywarden') });
      const events = await auditEventsSince(db, seq);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'machine_user.roles_changed_outside', actorId: null, targetType: 'machine_user', targetId: row.id, outcome: 'succeeded' });
      expect(events[0]!.details).toEqual({ from: ['viewer', 'production:admin'], to: ['viewer', 'staging:admin'], targetName: row.email });
      // Seen again: already reported, nothing new on the log.
      expect(await trackMachineUsers(db, client, P0)).toBe(0);
      expect(await auditEventsSince(db, seq)).toHaveLength(1);
      // Changed back in the Console: the note goes, silently.
      sim.store.driftSetUserAccess(P0, userId, ['viewer', 'production:admin']);
      await trackMachineUsers(db, client, P0);
      expect((await db.machineUser.findUniqueOrThrow({ where: { id: row.id } })).lastError).toBeNull();
      expect(await auditEventsSince(db, seq)).toHaveLength(1);
    });

    it('the inventory sync tracks the machine users of the projects it reads', async () => {
      const { row: waiting } = await invited({ projectId: P1, purpose: 'ci_tests' });
      const { row: lost, userId } = await active({ projectId: P0, purpose: 'backups' });
      const accepted = await acceptInvitation(sim, waiting.invitationId!);
      sim.store.driftSetUserAccess(P0, userId, null);
      const { outcome } = await runSync(db, client, { full: false });
      expect(outcome).toMatchObject({ status: 'succeeded', projectsFailed: 0 });
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ state: 'active', platformshUserId: accepted.user_id });
      expect(await db.machineUser.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({ state: 'error', lastError: expect.stringContaining('removed outside') });
    });
  });

  describe('what an onboarder may grant (KEYWARDEN_ONBOARDER_GRANTS=preset, the default)', () => {
    /** Requests that would change something on Platform.sh (the dashboard's own token exchange aside). */
    const projectWrites = () => sim.requestLog.entries.filter((entry) => entry.method !== 'GET' && entry.path.startsWith('/projects/')).length;
    const productionAdmin = { projectRole: 'viewer', environments: { production: 'admin', staging: 'none', development: 'none' } } as const;

    it('refuses an onboarder inviting with a role above the purpose’s preset: a field error, audited, nothing recorded or sent; an admin may', async () => {
      const scoped = await onboarder([P0]);
      const given = { ...input({ purpose: 'custom' }), roles: productionAdmin };
      const before = await snapshotTables(db);
      const seq = await lastAuditSeq(db);
      const writes = projectWrites();
      const refused = await inviteMachineUser(scoped, given, client);
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('Custom'), fieldErrors: { 'roles.environments.production': [expect.stringContaining('admin')] } } });
      expect(await snapshotTables(db)).toEqual(before);
      expect(projectWrites()).toBe(writes);
      expect(storeInvitations(sim, P0, given.email)).toHaveLength(0);
      expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome, event.actorId])).toEqual([['machine_user.invite', 'refused', scoped.actor.id]]);

      const projectAdmin = await inviteMachineUser(scoped, { ...input({ purpose: 'ci_tests' }), roles: { ...PRESETS.ci_tests.roles, projectRole: 'admin' } }, client);
      expect(projectAdmin).toMatchObject({ ok: false, error: { code: 'forbidden', fieldErrors: { 'roles.projectRole': [expect.any(String)] } } });
      expect(projectWrites()).toBe(writes);

      // Positive control: the same request by an admin.
      const allowed = await inviteMachineUser(admin, given, client);
      expect(allowed.ok && allowed.data.outcome).toBe('invited');
      expect(storeInvitations(sim, P0, given.email)[0]).toMatchObject({ role: 'viewer', environmentRoles: [{ type: 'production', role: 'admin' }] });
    });

    it('lets an onboarder grant the preset’s own roles: backups’ production admin, and viewer anywhere', async () => {
      const scoped = await onboarder([P0]);
      const backups = await inviteMachineUser(scoped, input({ purpose: 'backups' }), client);
      expect(backups.ok && backups.data.outcome).toBe('invited');
      const readOnly = await inviteMachineUser(scoped, { ...input({ purpose: 'source_operations' }), roles: { projectRole: 'viewer', environments: { production: 'viewer', staging: 'viewer', development: 'contributor' } } }, client);
      expect(readOnly.ok && readOnly.data.outcome).toBe('invited');
    });

    it('refuses an onboarder changing roles above the preset (audited, nothing sent), lets an admin, and lets the onboarder keep or lower what an admin granted', async () => {
      const { row, userId } = await active({ purpose: 'backups' });
      const scoped = await onboarder([P0]);
      const above = { projectRole: 'viewer', environments: { production: 'admin', staging: 'contributor', development: 'none' } } as const;
      const before = await snapshotTables(db);
      const seq = await lastAuditSeq(db);
      const writes = projectWrites();
      const refused = await changeMachineUserRoles(scoped, { machineUserId: row.id, roles: above }, client);
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', fieldErrors: { 'roles.environments.staging': [expect.any(String)] } } });
      expect(await snapshotTables(db)).toEqual(before);
      expect(projectWrites()).toBe(writes);
      expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome, event.actorId])).toEqual([['machine_user.change_roles', 'refused', scoped.actor.id]]);
      expect(storeAccess(sim, P0, row.email)).toEqual({ userId, permissions: sorted(['viewer', 'production:admin']) });

      // An admin may; the onboarder may then lower another scope while keeping the admin's grant.
      expect(await changeMachineUserRoles(admin, { machineUserId: row.id, roles: above }, client)).toMatchObject({ ok: true, data: { outcome: 'done' } });
      const lowered = await changeMachineUserRoles(scoped, { machineUserId: row.id, roles: { ...above, environments: { ...above.environments, production: 'viewer' } } }, client);
      expect(lowered).toMatchObject({ ok: true, data: { outcome: 'done' } });
      expect(storeAccess(sim, P0, row.email)).toEqual({ userId, permissions: sorted(['viewer', 'production:viewer', 'staging:contributor']) });
      // Back up to the preset's production admin: within the limit again.
      expect(await changeMachineUserRoles(scoped, { machineUserId: row.id, roles: PRESETS.backups.roles }, client)).toMatchObject({ ok: true, data: { outcome: 'done' } });
    });

    it('offers the wizard the limits of an onboarder, none for an admin', async () => {
      const scoped = await getOnboardingOptions(await onboarder([P0]));
      expect(scoped.ok && scoped.data.grantLimits?.backups).toMatchObject({ projectRole: 'viewer', environments: { production: 'admin', staging: 'viewer', development: 'viewer' } });
      expect(scoped.ok && scoped.data.grantLimits?.custom).toMatchObject({ projectRole: 'viewer', environments: { production: 'viewer', staging: 'viewer', development: 'contributor' } });
      const all = await getOnboardingOptions(admin);
      expect(all.ok && all.data.grantLimits).toBeNull();
    });
  });

  describe('reading', () => {
    it('lists by scope, search and state; shows a timeline; offers the onboarder only assigned projects', async () => {
      const { row: first } = await invited({ projectId: P0, email: machineEmail('alpha') });
      const { row: second } = await invited({ projectId: P1, email: machineEmail('beta') });
      const { row: third } = await invited({ projectId: P1, purpose: 'ci_tests', email: machineEmail('gamma') });
      expect((await removeMachineUser(admin, { machineUserId: third.id, confirmEmail: third.email }, removalDeps())).ok).toBe(true);

      const ids = (result: Awaited<ReturnType<typeof listMachineUsers>>) => (result.ok ? result.data.machineUsers.map((summary) => summary.id).sort() : result);
      expect(ids(await listMachineUsers(admin, {}))).toEqual([first.id, second.id].sort());
      expect(ids(await listMachineUsers(admin, { state: 'all' }))).toEqual([first.id, second.id, third.id].sort());
      expect(ids(await listMachineUsers(admin, { state: 'removed' }))).toEqual([third.id]);
      expect(ids(await listMachineUsers(admin, { q: 'ALPHA' }))).toEqual([first.id]);
      expect(ids(await listMachineUsers(admin, { q: '%' }))).toEqual([]);
      expect(ids(await listMachineUsers(admin, { project: P1, state: 'all' }))).toEqual([second.id, third.id].sort());
      const scoped = await onboarder([P1]);
      expect(ids(await listMachineUsers(scoped, {}))).toEqual([second.id]);
      expect(ids(await listMachineUsers(contextFor(await createUser(db, { role: 'reviewer' })), {}))).toEqual([first.id, second.id].sort());

      const detail = await getMachineUser(admin, first.id);
      expect(detail.ok).toBe(true);
      if (!detail.ok) return;
      expect(detail.data).toMatchObject({ id: first.id, state: 'invited', createdBy: admin.actor.email, owner: { id: owner.id }, invitationExpiresAt: expect.any(String) });
      expect(detail.data.timeline.map((event) => [event.action, (event.details as { step?: string }).step])).toEqual([
        ['machine_user.invite', 'invitation_sent'],
        ['machine_user.invite', 'recorded'],
      ]);
      expect(await getMachineUser(scoped, first.id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect((await getMachineUser(scoped, second.id)).ok).toBe(true);

      const options = await getOnboardingOptions(scoped);
      expect(options.ok && options.data.projects.map((project) => project.id)).toEqual([P1]);
      expect(options.ok && options.data.canOverride).toBe(false);
      expect(options.ok && options.data.dashboardEmail).toBe(sim.demo!.dashboardUser.email.toLowerCase());
      const all = await getOnboardingOptions(admin);
      expect(all.ok && all.data.projects.map((project) => project.id).sort()).toEqual([...projectIds].sort());
      expect(all.ok && all.data.canOverride).toBe(true);
      expect(await getOnboardingOptions(contextFor(await createUser(db, { role: 'reviewer' })))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    });
  });
});

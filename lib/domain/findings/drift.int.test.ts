// Drift of each kind against the simulator (issue 15 §3): made behind Keywarden's back with the
// simulator store's drift functions (or the sandbox control), seen by a sync, reported as a finding
// with both sides; role and membership drift re-applied through the journalled access change, the
// finding resolved, and the next sync agreeing. Reviewers see the findings and change nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { reapplyMachineUserRoles } from '@/lib/domain/machine-users/manage';
import { getMachineUser } from '@/lib/domain/machine-users/queries';
import { makeSandboxDrift } from '@/lib/domain/machine-users/sandbox-drift';
import { CLI_TOKEN_VARIABLE, type PlatformshClient } from '@/lib/platformsh';
import type { RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { runSync } from '@/lib/testing/inventory';
import { inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { pushedMachineUser as pushedMachineUserOf, setUpSandboxWorld } from '@/lib/testing/sandbox-world';
import { recomputeFindings } from './engine';
import { listFindings } from './queries';

/** Internal tools and Mobile backend: projects of the demo organisation. */
const TOOLS = 'w8c4qe2uxh9pd';
const MOBILE = 'e6j9ro3tkb5mv';
/** The custom purpose's roles, as inviteInput() grants them (the record is checked against it below). */
const APPROVED_WORDS = 'viewer';

describe.each(TEST_DATABASE_KINDS)('drift against the simulator on %s', (kind) => {
  const world = setUpSandboxWorld(kind);
  let db: Database;
  let sim: RunningSimulator;
  let dashboard: PlatformshClient;
  let admin: RequestContext;
  let reviewer: RequestContext;

  beforeAll(async () => {
    ({ db, sim, dashboard, admin } = world);
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
  });

  /** An accepted machine user of TOOLS (custom purpose: viewer, admin on production), its token pushed to `environmentIds`. */
  const pushedMachineUser = (environmentIds: string[]) => pushedMachineUserOf(world, TOOLS, environmentIds, 'drift');

  const sync = async () => expect((await runSync(db, dashboard, { full: true })).outcome.status).toBe('succeeded');
  const openFinding = (ruleId: string, subjectKey: string) => db.finding.findFirst({ where: { ruleId, subjectKey, resolvedAt: null } });
  const environmentsOf = (projectId: string) => [...sim.store.projects.get(projectId)!.environments.keys()].sort();
  const accessOn = (projectId: string, userId: string) => sim.store.projects.get(projectId)!.access.get(userId)?.permissions;
  const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

  it('variable drift: gone on one environment, inheritable and disabled on another, both sides per environment; re-apply points to the machine user’s page', async () => {
    const [first, second] = environmentsOf(TOOLS).slice(-2) as [string, string];
    const { machineUserId } = await pushedMachineUser([first, second]);
    const token = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    sim.store.driftDeleteVariable(TOOLS, first, CLI_TOKEN_VARIABLE);
    // (Platform.sh never makes a sensitive variable readable again: inheritable and disabled it can be.)
    sim.store.driftUpdateVariable(TOOLS, second, CLI_TOKEN_VARIABLE, { is_inheritable: true, is_enabled: false });
    expect(await openFinding('drift.variable', `token:${token.id}`)).toBeNull();
    await sync();

    const finding = await openFinding('drift.variable', `token:${token.id}`);
    const steps = await db.pushStep.findMany({ where: { run: { tokenId: token.id } }, orderBy: { environmentId: 'asc' } });
    const syncedAt = (await db.project.findUniqueOrThrow({ where: { id: TOOLS } })).lastSyncedAt!.toISOString();
    expect(finding?.evidence).toMatchObject({
      token: `drift (…${token.lastFour})`,
      differences: [
        {
          where: first,
          text: `Keywarden set: sensitive, not inheritable, enabled on ${first} — Platform.sh has: nothing (the variable is gone)`,
          keywardenAt: steps.find((step) => step.environmentId === first)!.updatedAt.toISOString(),
          platformshAt: syncedAt,
        },
        {
          where: second,
          text: `Keywarden set: sensitive, not inheritable, enabled on ${second} — Platform.sh has: inheritable, disabled`,
          keywardenAt: steps.find((step) => step.environmentId === second)!.updatedAt.toISOString(),
          platformshAt: syncedAt,
        },
      ],
    });
    // No re-apply button: the token is needed. The view links to the machine user's page instead.
    const view = await listFindings(admin, { rule: 'drift.variable', project: TOOLS });
    expect(view.ok && view.data.findings.find((row) => row.id === finding!.id)).toMatchObject({ canReapply: false, machineUser: { id: machineUserId } });
  });

  it('extra token variable: one Keywarden did not push, on an environment of a project it manages', async () => {
    const [target] = environmentsOf(TOOLS).slice(-3) as [string];
    const { machineUserId } = await pushedMachineUser([target]);
    const before = new Set(environmentsOf(TOOLS).filter((environmentId) => sim.store.projects.get(TOOLS)!.environments.get(environmentId)!.variables.has(CLI_TOKEN_VARIABLE)));
    expect(await makeSandboxDrift(admin, { machineUserId, kind: 'add_variable' })).toMatchObject({ ok: true });
    const added = environmentsOf(TOOLS).find((environmentId) => !before.has(environmentId) && sim.store.projects.get(TOOLS)!.environments.get(environmentId)!.variables.has(CLI_TOKEN_VARIABLE))!;
    await sync();
    const finding = await openFinding('variable.not_keywarden', `variable:${TOOLS}:${added}`);
    expect(finding?.evidence).toMatchObject({
      differences: [{ where: added, keywarden: 'Keywarden pushed no token here', keywardenAt: null, platformsh: expect.stringMatching(/^Platform.sh has: env:PLATFORMSH_CLI_TOKEN \(/), platformshAt: expect.any(String) }],
    });
  });

  it('role drift: both sides, re-applied through the journalled access change, resolved, and the next sync agrees', async () => {
    const { machineUserId, platformshUserId } = await pushedMachineUser([]);
    const approved = sorted((await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).permissions);
    expect(await makeSandboxDrift(admin, { machineUserId, kind: 'escalate_roles' })).toMatchObject({ ok: true });
    expect(accessOn(TOOLS, platformshUserId)).toEqual(['admin']);
    await sync();

    const subject = `machine_user:${machineUserId}`;
    const finding = await openFinding('drift.roles', subject);
    const syncedAt = (await db.project.findUniqueOrThrow({ where: { id: TOOLS } })).lastSyncedAt!.toISOString();
    expect(finding?.evidence).toMatchObject({
      differences: [{ where: null, text: `Keywarden approved: ${APPROVED_WORDS} — Platform.sh has: admin`, keywardenAt: expect.any(String), platformshAt: syncedAt }],
    });
    // The record kept the approved roles; the page says what differs.
    expect(sorted((await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).permissions)).toEqual(approved);
    const page = await getMachineUser(admin, machineUserId);
    expect(page.ok && page.data.roleDrift).toMatchObject({ text: `Keywarden approved: ${APPROVED_WORDS} — Platform.sh has: admin`, live: ['admin'] });

    // Reviewers see it and cannot re-apply it: no button, and a replayed call is refused and audited, changing nothing.
    const asReviewer = await listFindings(reviewer, { rule: 'drift.roles', project: TOOLS });
    expect(asReviewer.ok && asReviewer.data.findings.find((row) => row.id === finding!.id)).toMatchObject({ canReapply: false });
    const asAdmin = await listFindings(admin, { rule: 'drift.roles', project: TOOLS });
    expect(asAdmin.ok && asAdmin.data.findings.find((row) => row.id === finding!.id)).toMatchObject({ canReapply: true });
    let seq = await lastAuditSeq(db);
    const tables = await snapshotTables(db);
    expect(await reapplyMachineUserRoles(reviewer, { machineUserId }, dashboard)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await snapshotTables(db)).toEqual(tables);
    expect(accessOn(TOOLS, platformshUserId)).toEqual(['admin']);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome, event.actorId])).toEqual([['machine_user.change_roles', 'refused', reviewer.actor.id]]);

    // The admin re-applies: Platform.sh has the approved roles again, journalled and audited.
    seq = await lastAuditSeq(db);
    expect(await reapplyMachineUserRoles(admin, { machineUserId }, dashboard)).toMatchObject({ ok: true, data: { outcome: 'done', message: expect.stringContaining('approved roles') } });
    expect(sorted(accessOn(TOOLS, platformshUserId))).toEqual(approved);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome, (event.details as { step?: string } | null)?.step])).toEqual([
      ['machine_user.reapply_roles', 'succeeded', 'requested'],
      ['machine_user.reapply_roles', 'succeeded', 'applied'],
    ]);
    expect(await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).toMatchObject({ state: 'active', lastError: null });

    // Recomputed (as the action's wrapper does after a mutation): resolved; the next sync agrees.
    await recomputeFindings(db);
    expect(await db.finding.findUniqueOrThrow({ where: { id: finding!.id } })).toMatchObject({ resolvedAt: expect.any(Date) });
    await sync();
    expect(await openFinding('drift.roles', subject)).toBeNull();
    const after = await getMachineUser(admin, machineUserId);
    expect(after.ok && after.data.roleDrift).toBeNull();
  });

  it('membership drift, removed: both sides, the access granted again by re-apply, resolved after the next sync', async () => {
    const { machineUserId, platformshUserId } = await pushedMachineUser([]);
    const approved = sorted((await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).permissions);
    sim.store.driftSetUserAccess(TOOLS, platformshUserId, null);
    await sync();
    expect(await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).toMatchObject({ state: 'error' });
    const finding = await openFinding('drift.membership', `machine_user:${machineUserId}`);
    expect(finding?.evidence).toMatchObject({
      change: 'removed outside Keywarden',
      differences: [{ text: `Keywarden gave access: ${APPROVED_WORDS} — Platform.sh has: no access (not in the project’s user access)`, keywardenAt: expect.any(String), platformshAt: expect.any(String) }],
    });
    const view = await listFindings(admin, { rule: 'drift.membership', project: TOOLS });
    expect(view.ok && view.data.findings.find((row) => row.id === finding!.id)).toMatchObject({ canReapply: true });

    const seq = await lastAuditSeq(db);
    expect(await reapplyMachineUserRoles(admin, { machineUserId }, dashboard)).toMatchObject({ ok: true, data: { outcome: 'done', message: expect.stringContaining('granted again') } });
    expect(sorted(accessOn(TOOLS, platformshUserId))).toEqual(approved);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, (event.details as { step?: string } | null)?.step])).toEqual([
      ['machine_user.reapply_roles', 'requested'],
      ['machine_user.reapply_roles', 'granted'],
    ]);
    expect(await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).toMatchObject({ state: 'active', lastError: null });
    await recomputeFindings(db);
    expect(await db.finding.findUniqueOrThrow({ where: { id: finding!.id } })).toMatchObject({ resolvedAt: expect.any(Date) });
    await sync();
    expect(await openFinding('drift.membership', `machine_user:${machineUserId}`)).toBeNull();
    expect(await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).toMatchObject({ state: 'active' });
  });

  it('membership drift, added: a machine user’s account given access to another project outside Keywarden', async () => {
    const { machineUserId, platformshUserId } = await pushedMachineUser([]);
    sim.store.driftSetUserAccess(MOBILE, platformshUserId, ['viewer', 'staging:contributor']);
    await sync();
    const finding = await openFinding('drift.membership', `account:${MOBILE}:${platformshUserId}`);
    expect(finding).toMatchObject({ projectId: MOBILE, machineUserId });
    expect(finding?.evidence).toMatchObject({
      change: 'added to this project outside Keywarden',
      differences: [{ keywarden: `Keywarden gave it access to another project only (${TOOLS})`, platformsh: 'Platform.sh has: access here: viewer; staging: contributor' }],
    });
    // Not one re-apply can undo (it is not the machine user's own project): no button.
    const view = await listFindings(admin, { rule: 'drift.membership', project: MOBILE });
    expect(view.ok && view.data.findings.find((row) => row.id === finding!.id)).toMatchObject({ canReapply: false });
    // Removed again on Platform.sh: the next sync resolves it.
    sim.store.driftSetUserAccess(MOBILE, platformshUserId, null);
    await sync();
    expect(await openFinding('drift.membership', `account:${MOBILE}:${platformshUserId}`)).toBeNull();
  });

  it('an onboarder re-applies on an assigned project only; a machine user with no account is a conflict', async () => {
    const { machineUserId } = await pushedMachineUser([]);
    const elsewhere = contextFor(await createUser(db, { role: 'onboarder', projectIds: [MOBILE] }), [MOBILE]);
    expect(await reapplyMachineUserRoles(elsewhere, { machineUserId }, dashboard)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const assigned = contextFor(await createUser(db, { role: 'onboarder', projectIds: [TOOLS] }), [TOOLS]);
    expect(await reapplyMachineUserRoles(assigned, { machineUserId }, dashboard)).toMatchObject({ ok: true, data: { outcome: 'done' } });

    const invited = await inviteMachineUser(admin, inviteInput({ projectId: TOOLS, ownerId: admin.actor.id, purpose: 'custom', email: machineEmail('pending'), overrideReason: 'drift test' }), dashboard);
    if (!invited.ok) throw new Error(JSON.stringify(invited));
    expect(await reapplyMachineUserRoles(admin, { machineUserId: invited.data.machineUserId }, dashboard)).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

// Keywarden's own writes reach the inventory at once (issue 14.2), without hiding drift (R7), and the
// inventory names Platform.sh accounts (issue 14.12): against the simulator over real HTTP, on PGlite
// and PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { changeMachineUserRoles } from '@/lib/domain/machine-users/manage';
import { trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { recordAndPushToken, type TokenDeps } from '@/lib/domain/tokens/push';
import { getMachineUserTokens } from '@/lib/domain/tokens/queries';
import { markTokenCompromised } from '@/lib/domain/tokens/rotate';
import { CLI_TOKEN_VARIABLE, type PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { getProject, listProjects } from './projects';

const KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';
const PORTAL = 'm2x6bc9vqp3ln';
const TOOLS = 'w8c4qe2uxh9pd';

describe.each(TEST_DATABASE_KINDS)('own writes in the inventory on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let deps: TokenDeps;
  const clients: PlatformshClient[] = [];
  let admin: RequestContext;

  const client = (apiToken?: string) => {
    const made = simulatorClient(sim, apiToken ? { apiToken } : {});
    clients.push(made);
    return made;
  };

  /** An invited machine user, accepted on Platform.sh but not yet seen by Keywarden. */
  async function acceptedOnPlatform(projectId: string) {
    const owner = await createUser(db, { role: 'admin' });
    const email = machineEmail('fresh');
    const invited = await inviteMachineUser(admin, inviteInput({ projectId, ownerId: owner.id, purpose: 'custom', email, overrideReason: 'several machine users in one test file' }), deps.dashboard);
    if (!invited.ok) throw new Error(invited.error.message);
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: invited.data.machineUserId } });
    const accepted = await acceptInvitation(sim, row.invitationId!);
    return { machineUserId: row.id, userId: accepted.user_id, email };
  }

  async function activeMachineUser(projectId: string) {
    const made = await acceptedOnPlatform(projectId);
    await trackMachineUsers(db, deps.dashboard, projectId);
    return { ...made, token: sim.store.issueApiToken(made.userId, 'cron').token };
  }

  const projectPage = async (projectId: string) => {
    const page = await getProject(admin, projectId);
    if (!page.ok) throw new Error(page.error.message);
    return page.data;
  };
  const onProduction = async () => {
    const list = await listProjects(admin, { variable: 'on-production' });
    if (!list.ok) throw new Error(list.error.message);
    return list.data.projects.map((project) => project.id);
  };

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ seed: 'demo', activityDurationMs: 50 });
    admin = contextFor(await createUser(db, { role: 'admin' }));
    deps = { dashboard: client(), clientForToken: (token) => client(token), fingerprintKey: KEY };
    expect((await runSync(db, deps.dashboard, { full: true })).outcome.status).toBe('succeeded');
  });

  afterAll(async () => {
    for (const made of clients.splice(0)) made.dispose();
    await sim?.stop();
  });

  afterEach(() => sim.faults.clear());

  it('a push shows its variables, their flags and dates, and the project’s token on production, before any sync', async () => {
    const { machineUserId, token } = await activeMachineUser(PORTAL);
    expect(await onProduction()).not.toContain(PORTAL);
    const before = await projectPage(PORTAL);
    const syncedAt = before.lastSyncedAt;
    const targets = ['main', 'staging'];
    const pushed = await recordAndPushToken(admin, { machineUserId, runId: crypto.randomUUID(), token, name: 'Cron', environmentIds: targets, visibleBuild: false }, deps);
    expect(pushed).toMatchObject({ ok: true, data: { status: 'succeeded' } });

    const after = await projectPage(PORTAL);
    for (const environmentId of targets) {
      const variable = after.tokenVariables.find((row) => row.environmentId === environmentId && !row.inherited);
      const remote = sim.store.projects.get(PORTAL)!.environments.get(environmentId)!.variables.get(CLI_TOKEN_VARIABLE)!;
      expect(variable).toMatchObject({ isSensitive: true, isInheritable: false, isEnabled: true, visibleBuild: false, visibleRuntime: true });
      expect(Date.parse(variable!.updatedAt!)).toBeGreaterThanOrEqual(Date.parse(remote.createdAt) - 5_000);
    }
    expect(after.tokenOnProduction).toBe(true);
    expect(await onProduction()).toContain(PORTAL);
    // Not a sync: the time of the last sync (what drift is judged against) has not moved.
    expect(after.lastSyncedAt).toBe(syncedAt);
  });

  it('does not hide drift: a change made on Platform.sh after the push is seen by the next (incremental) sync', async () => {
    const { machineUserId, token } = await activeMachineUser(TOOLS);
    const pushed = await recordAndPushToken(admin, { machineUserId, runId: crypto.randomUUID(), token, name: 'Cron', environmentIds: ['main'], visibleBuild: false }, deps);
    expect(pushed).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    sim.store.driftDeleteVariable(TOOLS, 'main', CLI_TOKEN_VARIABLE);
    expect((await runSync(db, deps.dashboard, { full: false })).outcome.status).toBe('succeeded');
    const view = await getMachineUserTokens(admin, machineUserId);
    expect(view.ok && view.data.tokens[0]?.drift).toEqual([expect.objectContaining({ environmentId: 'main', problems: ['the variable is gone'] })]);
    expect((await projectPage(TOOLS)).tokenVariables.some((row) => row.environmentId === 'main' && !row.inherited)).toBe(false);
  });

  it('a revocation’s deletions leave the project page and the Projects list at once', async () => {
    const { machineUserId, token } = await activeMachineUser(TOOLS);
    const pushed = await recordAndPushToken(admin, { machineUserId, runId: crypto.randomUUID(), token, name: 'Cron', environmentIds: ['main'], visibleBuild: false }, deps);
    expect(pushed.ok).toBe(true);
    expect(await onProduction()).toContain(TOOLS);
    const record = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const revoked = await markTokenCompromised(admin, { tokenId: record.id, deleteVariables: true }, deps);
    expect(revoked).toMatchObject({ ok: true });
    expect((await projectPage(TOOLS)).tokenVariables.some((row) => row.environmentId === 'main' && !row.inherited)).toBe(false);
    expect(await onProduction()).not.toContain(TOOLS);
  });

  it('an acceptance Keywarden sees adds the account to "Users with access"; a role change it applies shows at once', async () => {
    const { machineUserId, userId, email } = await acceptedOnPlatform(PORTAL);
    expect((await projectPage(PORTAL)).userAccess.some((grant) => grant.userId === userId)).toBe(false);
    await trackMachineUsers(db, deps.dashboard, PORTAL);
    const grant = (await projectPage(PORTAL)).userAccess.find((candidate) => candidate.userId === userId);
    expect(grant).toMatchObject({ knownAs: { kind: 'machine_user', id: machineUserId, email } });

    const changed = await changeMachineUserRoles(admin, { machineUserId, roles: { projectRole: 'viewer', environments: { production: 'viewer', staging: 'none', development: 'none' } } }, deps.dashboard);
    expect(changed).toMatchObject({ ok: true, data: { outcome: 'done' } });
    expect((await projectPage(PORTAL)).userAccess.find((candidate) => candidate.userId === userId)?.permissions.sort()).toEqual(['production:viewer', 'viewer']);
  });

  it('names Platform.sh accounts: humans by name and e-mail, the dashboard’s own account, and each token variable’s machine user and token', async () => {
    const { machineUserId, token, email } = await activeMachineUser(PORTAL);
    const pushed = await recordAndPushToken(admin, { machineUserId, runId: crypto.randomUUID(), token, name: 'Cron nightly', environmentIds: ['main'], visibleBuild: false, confirmReplace: ['main'] }, deps);
    expect(pushed).toMatchObject({ ok: true });
    const page = await projectPage(PORTAL);
    const alice = sim.demo!.humans.find((human) => human.user.email === 'alice@example.com')!.user;
    expect(page.userAccess.find((grant) => grant.userId === alice.id)?.account).toEqual({ email: 'alice@example.com', displayName: 'Alice Martin' });
    expect(page.tokenVariables.find((row) => row.environmentId === 'main' && !row.inherited)?.heldBy).toEqual({ machineUserId, email, tokenName: 'Cron nightly', lastFour: token.slice(-4) });
    // Keywarden did not push the project's other token variables (none here), nor the inherited rows.
    expect(page.tokenVariables.filter((row) => row.inherited).every((row) => row.heldBy === null)).toBe(true);
  });
});

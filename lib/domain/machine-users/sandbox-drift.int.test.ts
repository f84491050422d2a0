// Sandbox mode's "change Platform.sh behind Keywarden's back": each kind of change is made on the
// simulator, and the next inventory sync sees it (issue 15 §3). Reviewers and live mode are refused.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabaseForTests, type Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { getMachineUserTokens } from '@/lib/domain/tokens/queries';
import { recordAndPushToken, type TokenDeps } from '@/lib/domain/tokens/push';
import { CLI_TOKEN_VARIABLE, type PlatformshClient } from '@/lib/platformsh';
import { getSandboxEndpoint, setSandboxEndpoint } from '@/lib/platformsh/sandbox-endpoint';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { lastAuditSeq, auditEventsSince } from '@/lib/testing/inspect';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { inviteMachineUser } from './invite';
import { makeSandboxDrift } from './sandbox-drift';
import { trackMachineUsers } from './tracking';

const KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';
const TOOLS = 'w8c4qe2uxh9pd';

describe.each(TEST_DATABASE_KINDS)('sandbox drift on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  let sim: RunningSimulator;
  let dashboard: PlatformshClient;
  let deps: TokenDeps;
  let admin: RequestContext;
  const clients: PlatformshClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
    useDatabaseForTests(database);
    sim = await startSimulator({ seed: 'demo', activityDurationMs: 50 });
    setSandboxEndpoint({ apiUrl: new URL(sim.url), authUrl: new URL(sim.authUrl), apiToken: sim.demo!.dashboardToken });
    dashboard = simulatorClient(sim);
    expect((await runSync(db, dashboard, { full: true })).outcome.status).toBe('succeeded');
    deps = {
      dashboard,
      clientForToken: (apiToken) => {
        const made = simulatorClient(sim, { apiToken });
        clients.push(made);
        return made;
      },
      fingerprintKey: KEY,
    };
    admin = contextFor(await createUser(db, { role: 'admin' }));
  });

  afterAll(async () => {
    for (const made of clients) made.dispose();
    dashboard?.dispose();
    await sim?.stop();
    await database?.destroy();
  });

  /** An accepted machine user of TOOLS whose token Keywarden pushed to `environmentIds`. */
  async function pushedMachineUser(environmentIds: string[]) {
    const invited = await inviteMachineUser(admin, inviteInput({ projectId: TOOLS, ownerId: admin.actor.id, purpose: 'custom', email: machineEmail('drift'), overrideReason: 'sandbox drift test' }), dashboard);
    if (!invited.ok || invited.data.outcome !== 'invited') throw new Error(JSON.stringify(invited));
    const machineUserId = invited.data.machineUserId;
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } });
    const accepted = await acceptInvitation(sim, row.invitationId!);
    await trackMachineUsers(db, dashboard, TOOLS);
    const token = sim.store.issueApiToken(accepted.user_id, 'drift').token;
    const pushed = await recordAndPushToken(admin, { machineUserId, runId: randomUUID(), token, name: 'drift', environmentIds, visibleBuild: false }, deps);
    expect(pushed).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    return { machineUserId, platformshUserId: accepted.user_id };
  }

  const environmentsOf = (projectId: string) => [...sim.store.projects.get(projectId)!.environments.keys()].sort();
  const variableOn = (environmentId: string) => sim.store.projects.get(TOOLS)!.environments.get(environmentId)!.variables.get(CLI_TOKEN_VARIABLE);
  const driftProblems = async (machineUserId: string) => {
    const view = await getMachineUserTokens(admin, machineUserId);
    return view.ok ? view.data.tokens.flatMap((token) => token.drift.map(({ environmentId, problems }) => ({ environmentId, problems }))) : undefined;
  };

  it('deletes or weakens the token variable, and the next sync shows the drift', async () => {
    const [first, second] = environmentsOf(TOOLS).slice(-2) as [string, string];
    const { machineUserId } = await pushedMachineUser([first, second]);
    const seq = await lastAuditSeq(db);
    expect(await makeSandboxDrift(admin, { machineUserId, kind: 'delete_variable' })).toMatchObject({ ok: true, data: { message: expect.stringContaining(`deleted on ${first}`) } });
    expect(variableOn(first)).toBeUndefined();
    expect(await driftProblems(machineUserId)).toEqual([]);
    await runSync(db, dashboard, { full: true });
    expect((await driftProblems(machineUserId))?.map((drift) => drift.environmentId)).toEqual([first]);
    // The next change goes where the last sync still saw the variable.
    expect(await makeSandboxDrift(admin, { machineUserId, kind: 'weaken_variable' })).toMatchObject({ ok: true, data: { message: expect.stringContaining(`on ${second} is now inheritable and disabled`) } });
    expect(variableOn(second)).toMatchObject({ isInheritable: true, isEnabled: false });
    await runSync(db, dashboard, { full: true });
    expect(await driftProblems(machineUserId)).toEqual([
      { environmentId: first, problems: [expect.any(String)] },
      { environmentId: second, problems: [expect.stringMatching(/inheritable/), expect.stringMatching(/disabled/)] },
    ]);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([
      ['machine_user.sandbox_drift', 'succeeded'],
      ['machine_user.sandbox_drift', 'succeeded'],
    ]);
  });

  it('adds a hand-set variable, escalates the roles and removes the member on Platform.sh', async () => {
    const [target] = environmentsOf(TOOLS).slice(-3) as [string];
    const { machineUserId, platformshUserId } = await pushedMachineUser([target]);
    const withoutVariable = new Set(environmentsOf(TOOLS).filter((environmentId) => !variableOn(environmentId)));
    const added = await makeSandboxDrift(admin, { machineUserId, kind: 'add_variable' });
    expect(added.ok).toBe(true);
    expect(environmentsOf(TOOLS).filter((environmentId) => withoutVariable.has(environmentId) && variableOn(environmentId))).toHaveLength(1);

    expect(await makeSandboxDrift(admin, { machineUserId, kind: 'escalate_roles' })).toMatchObject({ ok: true });
    expect(sim.store.projects.get(TOOLS)!.access.get(platformshUserId)?.permissions).toEqual(['admin']);
    await runSync(db, dashboard, { full: true });
    expect((await db.projectUserAccess.findFirstOrThrow({ where: { projectId: TOOLS, userId: platformshUserId } })).permissions).toEqual(['admin']);

    expect(await makeSandboxDrift(admin, { machineUserId, kind: 'remove_member' })).toMatchObject({ ok: true });
    expect(sim.store.projects.get(TOOLS)!.access.has(platformshUserId)).toBe(false);
    await runSync(db, dashboard, { full: true });
    expect(await db.projectUserAccess.count({ where: { projectId: TOOLS, userId: platformshUserId } })).toBe(0);
    // A second removal has nothing to remove.
    expect(await makeSandboxDrift(admin, { machineUserId, kind: 'remove_member' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('refuses a reviewer, an unknown kind, and live mode, changing nothing', async () => {
    const [target] = environmentsOf(TOOLS).slice(-4) as [string];
    const { machineUserId } = await pushedMachineUser([target]);
    const reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    expect(await makeSandboxDrift(reviewer, { machineUserId, kind: 'delete_variable' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await makeSandboxDrift(admin, { machineUserId, kind: 'drop_database' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const endpoint = getSandboxEndpoint()!;
    setSandboxEndpoint(undefined as unknown as typeof endpoint);
    try {
      expect(await makeSandboxDrift(admin, { machineUserId, kind: 'delete_variable' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      setSandboxEndpoint(endpoint);
    }
    expect(variableOn(target)).toBeDefined();
  });
});

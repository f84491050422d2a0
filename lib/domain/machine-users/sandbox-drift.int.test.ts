// Sandbox mode's "change Platform.sh behind Keywarden's back": each kind of change is made on the
// simulator, and the next inventory sync sees it (issue 15 §3). Reviewers and live mode are refused.
import { describe, expect, it } from 'vitest';
import { getMachineUserTokens } from '@/lib/domain/tokens/queries';
import { CLI_TOKEN_VARIABLE } from '@/lib/platformsh';
import { getSandboxEndpoint, setSandboxEndpoint } from '@/lib/platformsh/sandbox-endpoint';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { runSync } from '@/lib/testing/inventory';
import { pushedMachineUser, setUpSandboxWorld } from '@/lib/testing/sandbox-world';
import { makeSandboxDrift } from './sandbox-drift';

const TOOLS = 'w8c4qe2uxh9pd';

describe.each(TEST_DATABASE_KINDS)('sandbox drift on %s', (kind) => {
  const world = setUpSandboxWorld(kind);
  const pushed = (environmentIds: string[]) => pushedMachineUser(world, TOOLS, environmentIds, 'drift');

  const environmentsOf = (projectId: string) => [...world.sim.store.projects.get(projectId)!.environments.keys()].sort();
  const variableOn = (environmentId: string) => world.sim.store.projects.get(TOOLS)!.environments.get(environmentId)!.variables.get(CLI_TOKEN_VARIABLE);
  const driftProblems = async (machineUserId: string) => {
    const view = await getMachineUserTokens(world.admin, machineUserId);
    return view.ok ? view.data.tokens.flatMap((token) => token.drift.map(({ environmentId, problems }) => ({ environmentId, problems }))) : undefined;
  };

  it('deletes or weakens the token variable, and the next sync shows the drift', async () => {
    const [first, second] = environmentsOf(TOOLS).slice(-2) as [string, string];
    const { machineUserId } = await pushed([first, second]);
    const seq = await lastAuditSeq(world.db);
    expect(await makeSandboxDrift(world.admin, { machineUserId, kind: 'delete_variable' })).toMatchObject({ ok: true, data: { message: expect.stringContaining(`deleted on ${first}`) } });
    expect(variableOn(first)).toBeUndefined();
    expect(await driftProblems(machineUserId)).toEqual([]);
    await runSync(world.db, world.dashboard, { full: true });
    expect((await driftProblems(machineUserId))?.map((drift) => drift.environmentId)).toEqual([first]);
    // The next change goes where the last sync still saw the variable.
    expect(await makeSandboxDrift(world.admin, { machineUserId, kind: 'weaken_variable' })).toMatchObject({ ok: true, data: { message: expect.stringContaining(`on ${second} is now inheritable and disabled`) } });
    expect(variableOn(second)).toMatchObject({ isInheritable: true, isEnabled: false });
    await runSync(world.db, world.dashboard, { full: true });
    const drifts = await driftProblems(machineUserId);
    expect(drifts).toHaveLength(2);
    expect(drifts).toEqual(
      expect.arrayContaining([
        { environmentId: first, problems: [expect.any(String)] },
        { environmentId: second, problems: [expect.stringMatching(/inheritable/), expect.stringMatching(/disabled/)] },
      ]),
    );
    expect((await auditEventsSince(world.db, seq)).map((event) => [event.action, event.outcome])).toEqual([
      ['machine_user.sandbox_drift', 'succeeded'],
      ['machine_user.sandbox_drift', 'succeeded'],
    ]);
  });

  it('adds a hand-set variable, escalates the roles and removes the member on Platform.sh', async () => {
    const [target] = environmentsOf(TOOLS).slice(-3) as [string];
    const { machineUserId, platformshUserId } = await pushed([target]);
    const withoutVariable = new Set(environmentsOf(TOOLS).filter((environmentId) => !variableOn(environmentId)));
    const added = await makeSandboxDrift(world.admin, { machineUserId, kind: 'add_variable' });
    expect(added.ok).toBe(true);
    expect(environmentsOf(TOOLS).filter((environmentId) => withoutVariable.has(environmentId) && variableOn(environmentId))).toHaveLength(1);

    expect(await makeSandboxDrift(world.admin, { machineUserId, kind: 'escalate_roles' })).toMatchObject({ ok: true });
    expect(world.sim.store.projects.get(TOOLS)!.access.get(platformshUserId)?.permissions).toEqual(['admin']);
    await runSync(world.db, world.dashboard, { full: true });
    expect((await world.db.projectUserAccess.findFirstOrThrow({ where: { projectId: TOOLS, userId: platformshUserId } })).permissions).toEqual(['admin']);

    expect(await makeSandboxDrift(world.admin, { machineUserId, kind: 'remove_member' })).toMatchObject({ ok: true });
    expect(world.sim.store.projects.get(TOOLS)!.access.has(platformshUserId)).toBe(false);
    await runSync(world.db, world.dashboard, { full: true });
    expect(await world.db.projectUserAccess.count({ where: { projectId: TOOLS, userId: platformshUserId } })).toBe(0);
    // A second removal has nothing to remove.
    expect(await makeSandboxDrift(world.admin, { machineUserId, kind: 'remove_member' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('refuses a reviewer, an unknown kind, and live mode, changing nothing', async () => {
    const [target] = environmentsOf(TOOLS).slice(-4) as [string];
    const { machineUserId } = await pushed([target]);
    const reviewer = contextFor(await createUser(world.db, { role: 'reviewer' }));
    expect(await makeSandboxDrift(reviewer, { machineUserId, kind: 'delete_variable' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await makeSandboxDrift(world.admin, { machineUserId, kind: 'drop_database' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const endpoint = getSandboxEndpoint()!;
    setSandboxEndpoint(undefined as unknown as typeof endpoint);
    try {
      expect(await makeSandboxDrift(world.admin, { machineUserId, kind: 'delete_variable' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      setSandboxEndpoint(endpoint);
    }
    expect(variableOn(target)).toBeDefined();
  });
});

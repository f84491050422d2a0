// Sandbox mode's "make the project's redeploys fail": the switch reaches the simulator over HTTP,
// the redeploys started after it fail (and those after turning it off succeed), it is audited, and
// a reviewer, an onboarder of another project, bad input and live mode are refused without changing
// anything (the refusals audited).
import { describe, expect, it } from 'vitest';
import { getSandboxEndpoint, setSandboxEndpoint } from '@/lib/platformsh/sandbox-endpoint';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { pushedMachineUser, setUpSandboxWorld } from '@/lib/testing/sandbox-world';
import { sandboxRedeploysFail, setSandboxRedeploys } from './sandbox-redeploys';

const TOOLS = 'w8c4qe2uxh9pd';

describe.each(TEST_DATABASE_KINDS)('sandbox redeploy switch on %s', (kind) => {
  const world = setUpSandboxWorld(kind);
  const lastOutcome = () => [...world.sim.store.projects.get(TOOLS)!.activities.values()].sort((a, b) => a.createdAtMs - b.createdAtMs).at(-1)?.outcome;
  const environments = () => [...world.sim.store.projects.get(TOOLS)!.environments.values()].filter((environment) => environment.status === 'active').map((environment) => environment.id).sort();

  it('makes the project’s next redeploys fail, then succeed again; audited', async () => {
    const [first, second] = environments().slice(-2) as [string, string];
    const { machineUserId } = await pushedMachineUser(world, TOOLS, [first], 'redeploy-switch');
    expect(lastOutcome()).toBe('success');
    const seq = await lastAuditSeq(world.db);
    expect(await setSandboxRedeploys(world.admin, { machineUserId, fail: true })).toMatchObject({ ok: true, data: { fail: true, message: expect.stringContaining('will fail') } });
    expect(await sandboxRedeploysFail(TOOLS)).toBe(true);
    await pushedMachineUser(world, TOOLS, [second], 'redeploy-switch-2');
    expect(lastOutcome()).toBe('failure');
    expect(await setSandboxRedeploys(world.admin, { machineUserId, fail: false })).toMatchObject({ ok: true, data: { fail: false } });
    expect(await sandboxRedeploysFail(TOOLS)).toBe(false);
    expect((await auditEventsSince(world.db, seq)).filter((event) => event.action === 'token.sandbox_redeploys').map((event) => [event.outcome, event.targetId, event.details])).toEqual([
      ['succeeded', machineUserId, expect.objectContaining({ projectId: TOOLS, fail: true })],
      ['succeeded', machineUserId, expect.objectContaining({ projectId: TOOLS, fail: false })],
    ]);
  });

  it('refuses a reviewer, an onboarder of another project, bad input and live mode, changing nothing', async () => {
    const [target] = environments().slice(-3) as [string];
    const { machineUserId } = await pushedMachineUser(world, TOOLS, [target], 'redeploy-refusals');
    const reviewer = contextFor(await createUser(world.db, { role: 'reviewer' }));
    const seq = await lastAuditSeq(world.db);
    expect(await setSandboxRedeploys(reviewer, { machineUserId, fail: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // An onboarder on another project: refused too; each refusal on the audit log.
    const onboarder = contextFor(await createUser(world.db, { role: 'onboarder', projectIds: [] }), []);
    expect(await setSandboxRedeploys(onboarder, { machineUserId, fail: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await auditEventsSince(world.db, seq)).map((event) => [event.action, event.outcome, event.actorId])).toEqual([
      ['token.sandbox_redeploys', 'refused', reviewer.actor.id],
      ['token.sandbox_redeploys', 'refused', onboarder.actor.id],
    ]);
    expect(await setSandboxRedeploys(world.admin, { machineUserId: crypto.randomUUID(), fail: true })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await setSandboxRedeploys(world.admin, { machineUserId, fail: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const endpoint = getSandboxEndpoint()!;
    setSandboxEndpoint(undefined as unknown as typeof endpoint);
    try {
      expect(await setSandboxRedeploys(world.admin, { machineUserId, fail: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await sandboxRedeploysFail(TOOLS)).toBeNull();
    } finally {
      setSandboxEndpoint(endpoint);
    }
    expect(world.sim.store.failingRedeployProjects.has(TOOLS)).toBe(false);
  });
});

// The token flows under Upsun (issue 18 §1) against the simulator running as Upsun, on PGlite and
// PostgreSQL: the onboarding pushes env:UPSUN_CLI_TOKEN and the sandbox cron (the `upsun` CLI) runs
// with it; rotation and compromise act on that name. And an organisation that moved from Platform.sh:
// the sync finds token variables under either name, Keywarden's own are still Keywarden's (by its
// journal), a rotation replaces in place under the name pushed, and a revocation deletes that name.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCronInSandbox } from '@/lib/domain/onboarding/sandbox';
import { evaluateRules } from '@/lib/domain/findings/engine';
import { RULES } from '@/lib/domain/findings/rules';
import { VENDOR_PROFILES } from '@/lib/platformsh';
import { DEMO_HAND_SET_TOKEN_PROJECT_ID } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { pushedMachineUser, setUpSandboxWorld } from '@/lib/testing/sandbox-world';
import { POLICY_DEFAULTS } from '@/lib/validations/policy';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { moveTokenVariables } from './move';
import { recordAndPushToken, resumePush } from './push';
import { getMachineUserTokens } from './queries';
import { markTokenCompromised, rotateToken } from './rotate';

const UPSUN = VENDOR_PROFILES.upsun.tokenVariable;
const PLATFORMSH = VENDOR_PROFILES.platformsh.tokenVariable;
const DOCS = 'r5n3yd8fsa7ji';
const PORTAL = 'm2x6bc9vqp3ln';
const TOOLS = 'w8c4qe2uxh9pd';
const SEARCH = 'f3q8lm6zr2wyc';

describe.each(TEST_DATABASE_KINDS)('token flows as Upsun on %s', (kind) => {
  const world = setUpSandboxWorld(kind, { vendor: 'upsun', faults: true });
  const variablesOn = (projectId: string, environmentId: string) => world.sim.store.projects.get(projectId)!.environments.get(environmentId)!.variables;
  const tokensOf = async (machineUserId: string) => {
    const view = await getMachineUserTokens(world.admin, machineUserId);
    if (!view.ok) throw new Error(view.error.message);
    return view.data;
  };

  it('seeds, syncs and pushes env:UPSUN_CLI_TOKEN, and the sandbox cron runs with it', async () => {
    // The simulator's seed names its hand-set variable as Upsun does, and the sync tracks it.
    expect(variablesOn(DEMO_HAND_SET_TOKEN_PROJECT_ID, 'main').has(UPSUN)).toBe(true);
    expect(await world.db.tokenVariable.findMany({ where: { projectId: DEMO_HAND_SET_TOKEN_PROJECT_ID, environmentId: 'main', inherited: false }, select: { name: true } })).toEqual([{ name: UPSUN }]);

    const { machineUserId, token } = await pushedMachineUser(world, DOCS, ['main'], 'upsun-certs');
    expect(variablesOn(DOCS, 'main').get(UPSUN)).toMatchObject({ value: token, isSensitive: true, isInheritable: false });
    expect(variablesOn(DOCS, 'main').has(PLATFORMSH)).toBe(false);
    expect((await world.db.pushStep.findMany({ where: { run: { machineUserId } }, select: { variableName: true } })).map((step) => step.variableName)).toEqual([UPSUN]);
    expect((await tokensOf(machineUserId)).tokens[0]!.variables).toEqual([{ environmentId: 'main', name: UPSUN }]);

    // The cron's `upsun` CLI reads $UPSUN_CLI_TOKEN: it authenticates with the pushed token.
    const ran = await runCronInSandbox(world.admin, { projectId: DOCS });
    expect(ran).toMatchObject({ ok: true, data: { environmentId: 'main', isRecorded: true } });
  });

  it('rotates in place and marks compromised under env:UPSUN_CLI_TOKEN', async () => {
    const { machineUserId, platformshUserId, token } = await pushedMachineUser(world, PORTAL, ['main', 'staging'], 'upsun-rotate');
    const [old] = (await tokensOf(machineUserId)).tokens;
    const fresh = world.sim.store.issueApiToken(platformshUserId, 'rotated').token;
    const rotated = await rotateToken(world.admin, { oldTokenId: old!.id, runId: randomUUID(), token: fresh, name: 'rotated' }, world.deps);
    expect(rotated).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    for (const environmentId of ['main', 'staging']) {
      expect(variablesOn(PORTAL, environmentId).get(UPSUN)).toMatchObject({ value: fresh });
      expect(variablesOn(PORTAL, environmentId).has(PLATFORMSH)).toBe(false);
    }
    expect(world.sim.store.findApiTokenByValue(token)).toBeUndefined();

    const current = (await tokensOf(machineUserId)).tokens.find((candidate) => candidate.status === 'active')!;
    const revoked = await markTokenCompromised(world.admin, { tokenId: current.id, deleteVariables: true, liveToken: fresh }, world.deps);
    expect(revoked).toMatchObject({ ok: true, data: { status: 'done', message: expect.stringContaining(`${UPSUN} deleted on 2 of 2 environments. The token is deleted on Upsun.`) } });
    for (const environmentId of ['main', 'staging']) expect(variablesOn(PORTAL, environmentId).has(UPSUN)).toBe(false);
  });

  it('an organisation that moved from Platform.sh: both names are found, Keywarden’s stay its own, and revocation deletes the name pushed', async () => {
    // Before the move, Keywarden pushed env:PLATFORMSH_CLI_TOKEN (a connection configured as Platform.sh).
    const before = simulatorClient(world.sim, { vendor: 'platformsh' });
    const legacyDeps = { ...world.deps, dashboard: before };
    const { machineUserId, platformshUserId, token } = await pushedMachineUser({ ...world, deps: legacyDeps }, TOOLS, ['main', 'staging'], 'moved-org');
    before.dispose();
    expect(variablesOn(TOOLS, 'main').get(PLATFORMSH)).toMatchObject({ value: token });
    expect(variablesOn(TOOLS, 'main').has(UPSUN)).toBe(false);
    // Someone sets env:UPSUN_CLI_TOKEN by hand on staging, beside Keywarden's old-name variable.
    world.sim.store.seedVariable(TOOLS, 'staging', { name: UPSUN, value: `hand-set-${randomUUID()}`, is_sensitive: true, is_inheritable: false });

    expect((await runSync(world.db, world.dashboard, { full: true })).outcome.status).toBe('succeeded');
    const rows = await world.db.tokenVariable.findMany({ where: { projectId: TOOLS, inherited: false }, select: { environmentId: true, name: true }, orderBy: [{ environmentId: 'asc' }, { name: 'asc' }] });
    expect(rows).toEqual([
      { environmentId: 'main', name: PLATFORMSH },
      { environmentId: 'staging', name: PLATFORMSH },
      { environmentId: 'staging', name: UPSUN },
    ]);
    // By the journal, the old-name variables are Keywarden's; the hand-set Upsun one is not.
    const notKeywarden = await evaluateRules(world.db, new Date(), POLICY_DEFAULTS, [RULES.find((rule) => rule.id === 'variable.not_keywarden')!]);
    const onTools = notKeywarden.filter((hit) => hit.projectId === TOOLS).map((hit) => [hit.environmentId, hit.evidence.variable]);
    expect(onTools).toEqual([['staging', UPSUN]]);
    expect((await tokensOf(machineUserId)).tokens[0]!.variables).toEqual([
      { environmentId: 'main', name: PLATFORMSH },
      { environmentId: 'staging', name: PLATFORMSH },
    ]);

    // Rotation (now connected as Upsun) replaces the value under the name each environment holds.
    const [old] = (await tokensOf(machineUserId)).tokens;
    const fresh = world.sim.store.issueApiToken(platformshUserId, 'rotated').token;
    expect(await rotateToken(world.admin, { oldTokenId: old!.id, runId: randomUUID(), token: fresh, name: 'rotated' }, world.deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect(variablesOn(TOOLS, 'main').get(PLATFORMSH)).toMatchObject({ value: fresh });
    expect(variablesOn(TOOLS, 'main').has(UPSUN)).toBe(false);

    // Revocation deletes the names that were pushed, and leaves the hand-set Upsun variable alone.
    const current = (await tokensOf(machineUserId)).tokens.find((candidate) => candidate.status === 'active')!;
    const revoked = await markTokenCompromised(world.admin, { tokenId: current.id, deleteVariables: true, liveToken: fresh }, world.deps);
    expect(revoked).toMatchObject({ ok: true, data: { status: 'done', message: expect.stringContaining(`${PLATFORMSH} deleted on 2 of 2 environments.`) } });
    expect(variablesOn(TOOLS, 'main').has(PLATFORMSH)).toBe(false);
    expect(variablesOn(TOOLS, 'staging').has(PLATFORMSH)).toBe(false);
    expect(variablesOn(TOOLS, 'staging').has(UPSUN)).toBe(true);
  });

  it('asks before replacing an env:UPSUN_CLI_TOKEN it did not push (R8)', async () => {
    const { machineUserId, token } = await pushedMachineUser(world, DEMO_HAND_SET_TOKEN_PROJECT_ID, [], 'upsun-r8');
    const refused = await recordAndPushToken(world.admin, { machineUserId, runId: randomUUID(), token, name: 'cron', environmentIds: ['main'], visibleBuild: false }, world.deps);
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: `main already has an ${UPSUN} that Keywarden did not push. Confirm that it may be replaced.` } });
  });

  it('moves a token’s variables to env:UPSUN_CLI_TOKEN: the same token pasted again, journalled per environment, resumable', async () => {
    const before = simulatorClient(world.sim, { vendor: 'platformsh' });
    const { machineUserId, platformshUserId, token } = await pushedMachineUser({ ...world, deps: { ...world.deps, dashboard: before } }, SEARCH, ['main', 'staging'], 'move');
    before.dispose();
    const [record] = (await tokensOf(machineUserId)).tokens;

    // Another token of the same account is not this token: nothing moves.
    const other = world.sim.store.issueApiToken(platformshUserId, 'other').token;
    expect(await moveTokenVariables(world.admin, { tokenId: record!.id, runId: randomUUID(), token: other }, world.deps)).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { token: ['Not this token.'] } } });
    expect(variablesOn(SEARCH, 'main').has(UPSUN)).toBe(false);

    // Platform.sh refuses to delete the old variable on staging once: that environment stays to resume.
    const fault = world.sim.faults.add({ method: 'DELETE', path: `/projects/${SEARCH}/environments/staging/variables/${encodeURIComponent(PLATFORMSH)}`, kind: 'status', status: 400, count: 1 });
    const seq = await lastAuditSeq(world.db);
    const runId = randomUUID();
    const moved = await moveTokenVariables(world.admin, { tokenId: record!.id, runId, token }, world.deps);
    expect(moved).toMatchObject({ ok: true, data: { status: 'partial', message: expect.stringContaining('Moved on 1 of 2 environments') } });
    expect(fault.fired).toBe(1);
    expect((await auditEventsSince(world.db, seq)).map((event) => [event.action, event.outcome])).toEqual([
      ['token.move_variable', 'succeeded'],
      ['token.push', 'failed'],
    ]);
    expect(variablesOn(SEARCH, 'main').get(UPSUN)).toMatchObject({ value: token, isSensitive: true, isInheritable: false });
    expect(variablesOn(SEARCH, 'main').has(PLATFORMSH)).toBe(false);
    expect(variablesOn(SEARCH, 'staging').get(UPSUN)).toMatchObject({ value: token });
    expect(variablesOn(SEARCH, 'staging').has(PLATFORMSH)).toBe(true);
    expect((await tokensOf(machineUserId)).tokens[0]!.variables).toEqual([
      { environmentId: 'main', name: UPSUN },
      { environmentId: 'staging', name: PLATFORMSH },
    ]);

    // Resumed with the same token, like any push: staging finishes; nothing is duplicated.
    expect(await resumePush(world.admin, { runId, token }, world.deps)).toMatchObject({ ok: true, data: { status: 'succeeded', message: expect.stringContaining(`Moved to ${UPSUN} on all 2 environments`) } });
    for (const environmentId of ['main', 'staging']) {
      expect(variablesOn(SEARCH, environmentId).get(UPSUN)).toMatchObject({ value: token });
      expect(variablesOn(SEARCH, environmentId).has(PLATFORMSH)).toBe(false);
    }
    expect((await tokensOf(machineUserId)).tokens[0]!.variables).toEqual([
      { environmentId: 'main', name: UPSUN },
      { environmentId: 'staging', name: UPSUN },
    ]);
    // Both writes of a move redeploy (the new name set, the old one deleted): each step follows both activities.
    for (const step of await world.db.pushStep.findMany({ where: { runId } })) expect(step.activityIds).toHaveLength(2);
    // The inventory reflects Keywarden's own writes at once (issue 14.2): the old name is gone.
    expect(await world.db.tokenVariable.findMany({ where: { projectId: SEARCH, environmentId: { in: ['main', 'staging'] }, inherited: false }, select: { environmentId: true, name: true }, orderBy: { environmentId: 'asc' } })).toEqual([
      { environmentId: 'main', name: UPSUN },
      { environmentId: 'staging', name: UPSUN },
    ]);
    expect(await moveTokenVariables(world.admin, { tokenId: record!.id, runId: randomUUID(), token }, world.deps)).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('nothing to move') } });

    // A later revocation deletes the new name.
    const revoked = await markTokenCompromised(world.admin, { tokenId: record!.id, deleteVariables: true, liveToken: token }, world.deps);
    expect(revoked).toMatchObject({ ok: true, data: { message: expect.stringContaining(`${UPSUN} deleted on 2 of 2 environments.`) } });
    for (const environmentId of ['main', 'staging']) expect(variablesOn(SEARCH, environmentId).has(UPSUN)).toBe(false);
  });

  it('refuses a move to a reviewer, and of a token that is not active', async () => {
    const legacy = simulatorClient(world.sim, { vendor: 'platformsh' });
    const { machineUserId, token } = await pushedMachineUser({ ...world, deps: { ...world.deps, dashboard: legacy } }, PORTAL, ['feature-search'], 'move-refused');
    legacy.dispose();
    const [record] = (await tokensOf(machineUserId)).tokens;
    const reviewer = contextFor(await createUser(world.db, { role: 'reviewer' }));
    const countBefore = await world.db.pushRun.count();
    expect(await moveTokenVariables(reviewer, { tokenId: record!.id, runId: randomUUID(), token }, world.deps)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await world.db.pushRun.count()).toBe(countBefore);
    expect(variablesOn(PORTAL, 'feature-search').has(UPSUN)).toBe(false);
    await world.db.apiToken.update({ where: { id: record!.id }, data: { status: 'revoked' } });
    expect(await moveTokenVariables(world.admin, { tokenId: record!.id, runId: randomUUID(), token }, world.deps)).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('only an active token') } });
    expect(variablesOn(PORTAL, 'feature-search').has(UPSUN)).toBe(false);
  });
});

// Minted deployment tokens (issue 18.2) through REST API v1's record and rotate operations, against
// the simulator over real HTTP, on PGlite and PostgreSQL: the organisation policy decides when `mint`
// is left out; an admin may choose otherwise per call (audited as token.choose_minting), anyone else
// is refused with 403 before anything reaches Platform.sh; the token and push answers say `minted`;
// a mint Platform.sh refuses (403) falls back to the pasted token and the record's
// `mint_policy_unmet` says why — the same rule as the dashboard's forms.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, callEndpoint, type ApiAnswer, type ApiCall } from '@/lib/testing/api-client';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { pushedMachineUser, setUpSandboxWorld } from '@/lib/testing/sandbox-world';
import { OPERATIONS } from './operations';
import { settleBackgroundWork } from './write-operations';

const TOOLS = 'w8c4qe2uxh9pd';

function call(operation: string, options: Pick<ApiCall, 'params' | 'key' | 'body'> = {}): Promise<ApiAnswer> {
  return callEndpoint(OPERATIONS[operation]!, { ...options, address: '203.0.113.99' });
}

interface TokenBody {
  id: string;
  minted: boolean;
  mint_policy_unmet: string | null;
  last_four: string;
}

describe.each(TEST_DATABASE_KINDS)('REST API v1 minted deployment tokens on %s', (kind) => {
  const world = setUpSandboxWorld(kind);
  let adminKey: string;
  let onboarderKey: string;
  let environment: string;

  const setPolicy = (mintDeploymentTokens: boolean) => world.db.organisationPolicy.upsert({ where: { id: 1 }, create: { id: 1, values: { mintDeploymentTokens } }, update: { values: { mintDeploymentTokens } } });
  /** A fresh token of the machine user on the simulator (a bootstrap is deleted once a minted push succeeds). */
  const bootstrapOf = (platformshUserId: string) => world.sim.store.issueApiToken(platformshUserId, 'bootstrap').token;

  /** Records through the API and waits (the tests share one environment: each replaces the last one's variable) for the push; the token and run as the API shows them then. */
  async function record(key: string, machineUserId: string, pasted: string, extra: Record<string, unknown> = {}) {
    const answer = await call('recordToken', { key, params: { id: machineUserId }, body: { token: pasted, name: 'deploys', environments: [environment], replace_foreign: true, ...extra } });
    if (answer.status !== 202) return { answer, token: null, push: null };
    await settleBackgroundWork();
    const started = answer.json as { token: TokenBody; push: { id: string } };
    const recorded = (await call('getToken', { key, params: { id: started.token.id } })).json as TokenBody;
    const push = (await call('getPush', { key, params: { id: started.push.id } })).json as { status: string; minted: boolean };
    return { answer, token: recorded, push };
  }

  beforeAll(async () => {
    delete (globalThis as { keywardenDashboardClient?: unknown }).keywardenDashboardClient;
    const admin = await world.db.user.findUniqueOrThrow({ where: { id: world.admin.actor.id } });
    adminKey = await apiKeyFor({ ...admin, role: 'admin' });
    onboarderKey = await apiKeyFor(await createUser(world.db, { role: 'onboarder', projectIds: [TOOLS] }), [TOOLS]);
    environment = [...world.sim.store.projects.get(TOOLS)!.environments.keys()].sort()[0]!;
  });

  afterEach(async () => {
    await settleBackgroundWork();
    world.sim.store.tokenCreation = 'allowed';
  });

  afterAll(async () => {
    await settleBackgroundWork();
    const holder = globalThis as { keywardenDashboardClient?: { dispose(): void } };
    holder.keywardenDashboardClient?.dispose();
    delete holder.keywardenDashboardClient;
  });

  it('follows the policy when `mint` is left out: minted, the bootstrap deleted; the answers say so', async () => {
    await setPolicy(true);
    const machineUser = await pushedMachineUser(world, TOOLS, [], 'mint-policy');
    const bootstrap = bootstrapOf(machineUser.platformshUserId);
    const { answer, token, push } = await record(adminKey, machineUser.machineUserId, bootstrap);
    expect(answer.status, answer.text).toBe(202);
    expect(push).toMatchObject({ status: 'succeeded', minted: true });
    expect(token).toMatchObject({ minted: true, mint_policy_unmet: null });
    expect(token!.last_four).not.toBe(bootstrap.slice(-4));
    expect([...world.sim.store.apiTokens.values()].some((remote) => remote.token === bootstrap)).toBe(false);
  }, 60_000);

  it('lets an admin choose otherwise per call (audited); refuses an onboarder’s choice against the policy with 403, and takes one that agrees', async () => {
    await setPolicy(true);
    const machineUser = await pushedMachineUser(world, TOOLS, [], 'mint-choice');
    const requestsBefore = world.sim.requestLog.entries.length;
    let seq = await lastAuditSeq(world.db);
    const refused = await call('recordToken', { key: onboarderKey, params: { id: machineUser.machineUserId }, body: { token: bootstrapOf(machineUser.platformshUserId), name: 'deploys', environments: [environment], mint: 'paste' } });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json).toMatchObject({ code: 'forbidden', detail: expect.stringMatching(/only an admin may choose otherwise/) });
    expect(world.sim.requestLog.entries.length).toBe(requestsBefore);
    expect((await auditEventsSince(world.db, seq)).map((event) => [event.action, event.outcome])).toEqual([['token.choose_minting', 'refused']]);
    expect(await world.db.apiToken.count({ where: { machineUserId: machineUser.machineUserId } })).toBe(0);

    const agreed = await record(onboarderKey, machineUser.machineUserId, bootstrapOf(machineUser.platformshUserId), { mint: 'mint' });
    expect(agreed.answer.status, agreed.answer.text).toBe(202);
    expect(agreed.token).toMatchObject({ minted: true });

    // An admin rotates it pushing the pasted token, against the policy: allowed, and audited as a choice.
    seq = await lastAuditSeq(world.db);
    const pasted = bootstrapOf(machineUser.platformshUserId);
    const rotated = await call('rotateToken', { key: adminKey, params: { id: agreed.token!.id }, body: { token: pasted, mint: 'paste' } });
    expect(rotated.status, rotated.text).toBe(202);
    await settleBackgroundWork();
    const newToken = (await call('getToken', { key: adminKey, params: { id: (rotated.json as { token: TokenBody }).token.id } })).json as TokenBody;
    expect(newToken).toMatchObject({ minted: false, mint_policy_unmet: null, last_four: pasted.slice(-4) });
    expect((await auditEventsSince(world.db, seq)).find((event) => event.action === 'token.choose_minting')).toMatchObject({ outcome: 'succeeded' });
  }, 60_000);

  it('falls back to the pasted token when Platform.sh refuses the mint (403), and the record says the policy was not met', async () => {
    await setPolicy(true);
    world.sim.store.tokenCreation = 'refused';
    const machineUser = await pushedMachineUser(world, TOOLS, [], 'mint-refused');
    const bootstrap = bootstrapOf(machineUser.platformshUserId);
    const { answer, token, push } = await record(adminKey, machineUser.machineUserId, bootstrap);
    expect(answer.status, answer.text).toBe(202);
    expect(push).toMatchObject({ status: 'succeeded', minted: false });
    expect(token).toMatchObject({ minted: false, last_four: bootstrap.slice(-4) });
    expect(token!.mint_policy_unmet).toMatch(/refused to mint a deployment token .*the pasted token was pushed instead/);
  }, 60_000);

  it('mints on an admin’s choice when the policy says not to, and refuses an unknown choice with 400', async () => {
    await setPolicy(false);
    const machineUser = await pushedMachineUser(world, TOOLS, [], 'mint-admin');
    const bad = await call('recordToken', { key: adminKey, params: { id: machineUser.machineUserId }, body: { token: bootstrapOf(machineUser.platformshUserId), name: 'deploys', environments: [environment], mint: 'always' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'invalid_input', field_errors: { mint: expect.any(Array) } });
    const followed = await record(adminKey, machineUser.machineUserId, bootstrapOf(machineUser.platformshUserId));
    expect(followed.token).toMatchObject({ minted: false });
    const chosen = await call('rotateToken', { key: adminKey, params: { id: followed.token!.id }, body: { token: bootstrapOf(machineUser.platformshUserId), mint: 'mint' } });
    expect(chosen.status, chosen.text).toBe(202);
    await settleBackgroundWork();
    const minted = (await call('getToken', { key: adminKey, params: { id: (chosen.json as { token: TokenBody }).token.id } })).json as TokenBody;
    expect(minted).toMatchObject({ minted: true });
  }, 60_000);
});

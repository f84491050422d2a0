// The Overview's counts (issue 14.15), in SQL, on PGlite and PostgreSQL: each moves with what it
// counts, an onboarder counts only assigned projects, and zero everywhere is the all-clear state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { revokeOpenTokens } from '@/lib/domain/machine-users/offboarding';
import { trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { recordAndPushToken, type TokenDeps } from '@/lib/domain/tokens/push';
import { listTokens } from '@/lib/domain/tokens/queries';
import { markTokenCompromised } from '@/lib/domain/tokens/rotate';
import { CLI_TOKEN_VARIABLE, type PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { getAttention, isAllClear } from './overview';

const KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';
const PORTAL = 'm2x6bc9vqp3ln';
const TOOLS = 'w8c4qe2uxh9pd';

describe.each(TEST_DATABASE_KINDS)('the Overview’s counts on %s', (kind) => {
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

  async function pushedToken(projectId: string) {
    const owner = await createUser(db, { role: 'admin' });
    const invited = await inviteMachineUser(admin, inviteInput({ projectId, ownerId: owner.id, purpose: 'custom', email: machineEmail('overview'), overrideReason: 'several in one test file' }), deps.dashboard);
    if (!invited.ok) throw new Error(invited.error.message);
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: invited.data.machineUserId } });
    const accepted = await acceptInvitation(sim, row.invitationId!);
    await trackMachineUsers(db, deps.dashboard, projectId);
    const token = sim.store.issueApiToken(accepted.user_id, 'cron').token;
    const pushed = await recordAndPushToken(admin, { machineUserId: row.id, runId: crypto.randomUUID(), token, name: 'Cron', environmentIds: ['staging'], visibleBuild: false, confirmReplace: ['staging'] }, deps);
    if (!pushed.ok) throw new Error(pushed.error.message);
    return db.apiToken.findFirstOrThrow({ where: { machineUserId: row.id } });
  }

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ faults: true, seed: 'demo', activityDurationMs: 50 });
    admin = contextFor(await createUser(db, { role: 'admin' }));
    deps = { dashboard: client(), clientForToken: (token) => client(token), fingerprintKey: KEY };
    expect((await runSync(db, deps.dashboard, { full: true })).outcome.status).toBe('succeeded');
  });

  afterAll(async () => {
    for (const made of clients.splice(0)) made.dispose();
    await sim?.stop();
  });

  it('counts what is wrong, scoped to what the actor may read; zero is all clear', async () => {
    const clear = await getAttention(admin);
    expect(clear).toMatchObject({ compromisedToDelete: 0, overdueRotations: 0, drifted: 0, expiredInvitations: 0, failedSyncs: 0, openRevocations: 0, lastRunFailed: false });
    expect(isAllClear(clear!)).toBe(true);

    // Overdue: an active token past its rotate-by date.
    const overdue = await pushedToken(PORTAL);
    await db.apiToken.update({ where: { id: overdue.id }, data: { rotateBy: new Date(Date.now() - 86_400_000) } });
    // Drift: the variable deleted on Platform.sh, then seen by a sync.
    const drifted = await pushedToken(TOOLS);
    sim.store.driftDeleteVariable(TOOLS, 'staging', CLI_TOKEN_VARIABLE);
    expect((await runSync(db, deps.dashboard, { full: false })).outcome.status).toBe('succeeded');
    // Compromised without a live token: still to delete on Platform.sh; its variable deletion fails.
    const compromised = await pushedToken(PORTAL);
    sim.faults.add({ method: 'DELETE', path: `/projects/${PORTAL}/environments/staging/variables/${encodeURIComponent(CLI_TOKEN_VARIABLE)}`, kind: 'status', status: 400 });
    expect(await markTokenCompromised(admin, { tokenId: compromised.id, deleteVariables: true }, deps)).toMatchObject({ ok: true, data: { status: 'partial' } });
    sim.faults.clear();
    // Offboarded (revoked, not compromised), its variable deletion failing too: also left behind.
    const offboarded = await pushedToken(PORTAL);
    sim.faults.add({ method: 'DELETE', path: `/projects/${PORTAL}/environments/staging/variables/${encodeURIComponent(CLI_TOKEN_VARIABLE)}`, kind: 'status', status: 400 });
    expect(await revokeOpenTokens(admin, deps, offboarded.machineUserId, undefined)).toMatchObject({ ok: true });
    sim.faults.clear();
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: offboarded.id } })).toMatchObject({ status: 'revoked' });
    // An invitation pending past its lifetime, and a project the sync could not read.
    await db.machineUser.updateMany({ where: { id: overdue.machineUserId }, data: { state: 'expired' } });
    await db.project.update({ where: { id: TOOLS }, data: { lastSyncError: 'HTTP 503', lastSyncErrorAt: new Date() } });

    const attention = await getAttention(admin);
    expect(attention).toMatchObject({ compromisedToDelete: 1, overdueRotations: 1, drifted: 1, expiredInvitations: 1, failedSyncs: 1, openRevocations: 2 });
    expect(isAllClear(attention!)).toBe(false);
    // The drift link's list shows exactly the drifted token.
    const driftList = await listTokens(admin, { status: 'all', drift: 'yes' });
    expect(driftList.ok && driftList.data.tokens.map((token) => token.id)).toEqual([drifted.id]);
    // And the link of the compromised tokens still to delete on Platform.sh: only that one, not one deleted there.
    const deletedThere = await pushedToken(PORTAL);
    await db.apiToken.update({ where: { id: deletedThere.id }, data: { status: 'compromised', deletedOnPlatformAt: new Date() } });
    const undeleted = await listTokens(admin, { status: 'compromised', revocation: 'undeleted' });
    expect(undeleted.ok && undeleted.data.tokens.map((token) => token.id)).toEqual([compromised.id]);
    // So does the unfinished revocations' link: the compromised token and the offboarded one.
    const unfinished = await listTokens(admin, { status: 'all', revocation: 'unfinished' });
    expect(unfinished.ok && unfinished.data.tokens.map((token) => token.id).sort()).toEqual([compromised.id, offboarded.id].sort());

    // An onboarder counts only the assigned projects.
    const onboarder = await createUser(db, { role: 'onboarder' });
    expect(await getAttention(contextFor(onboarder, [TOOLS]))).toMatchObject({ compromisedToDelete: 0, overdueRotations: 0, drifted: 1, expiredInvitations: 0, failedSyncs: 1, openRevocations: 0 });
    expect(isAllClear((await getAttention(contextFor(onboarder, [])))!)).toBe(true);
  });
});

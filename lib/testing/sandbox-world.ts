// What the integration tests of the token and drift flows share: a database of one kind, the demo
// organisation's simulator registered as the sandbox and synced once, the clients a push needs, and
// an admin — set up before the file's tests and torn down after them (vitest hooks of the caller's
// describe block). Read the fields inside tests or hooks, once set up.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { recordAndPushToken, type TokenDeps } from '@/lib/domain/tokens/push';
import type { PlatformshClient } from '@/lib/platformsh';
import { setSandboxEndpoint } from '@/lib/platformsh/sandbox-endpoint';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import type { Vendor } from '@/lib/vendor';
import type { TestDatabaseKind } from './database';
import { contextFor, createUser } from './fixtures';
import { runSync, simulatorClient } from './inventory';
import { acceptInvitation, inviteInput, machineEmail } from './machine-users';
import { setUpTestDatabase, type SuiteDatabase } from './suite-database';

export const TEST_FINGERPRINT_KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';

export interface SandboxWorld {
  database: SuiteDatabase;
  db: Database;
  sim: RunningSimulator;
  dashboard: PlatformshClient;
  deps: TokenDeps;
  admin: RequestContext;
}

/**
 * `vendor` runs the simulator (and so the dashboard's connection) as Platform.sh or Upsun; `faults`
 * enables the simulator's fault rules.
 */
export function setUpSandboxWorld(kind: TestDatabaseKind, options: { vendor?: Vendor; faults?: boolean } = {}): SandboxWorld {
  const database = setUpTestDatabase(kind);
  const world = { database } as SandboxWorld;
  const clients: PlatformshClient[] = [];
  beforeAll(async () => {
    world.db = database.db;
    world.sim = await startSimulator({ seed: 'demo', activityDurationMs: 50, vendor: options.vendor, faults: options.faults === true });
    setSandboxEndpoint({ apiUrl: new URL(world.sim.url), authUrl: new URL(world.sim.authUrl), apiToken: world.sim.demo!.dashboardToken });
    world.dashboard = simulatorClient(world.sim);
    expect((await runSync(world.db, world.dashboard, { full: true })).outcome.status).toBe('succeeded');
    world.deps = {
      dashboard: world.dashboard,
      clientForToken: (apiToken) => {
        const made = simulatorClient(world.sim, { apiToken });
        clients.push(made);
        return made;
      },
      fingerprintKey: TEST_FINGERPRINT_KEY,
    };
    world.admin = contextFor(await createUser(world.db, { role: 'admin' }));
  });
  afterAll(async () => {
    for (const made of clients) made.dispose();
    world.dashboard?.dispose();
    await world.sim?.stop();
  });
  return world;
}

/**
 * A machine user of `projectId` invited by the world's admin (custom purpose unless told), accepted
 * on the simulator, with a token of its own pushed by Keywarden to `environmentIds` (none: not pushed).
 */
export async function pushedMachineUser(world: SandboxWorld, projectId: string, environmentIds: string[], label = 'bot') {
  const { admin, dashboard, db, sim, deps } = world;
  const invited = await inviteMachineUser(admin, inviteInput({ projectId, ownerId: admin.actor.id, purpose: 'custom', email: machineEmail(label), overrideReason: `${label} test` }), dashboard);
  if (!invited.ok || invited.data.outcome !== 'invited') throw new Error(JSON.stringify(invited));
  const machineUserId = invited.data.machineUserId;
  const row = await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } });
  const accepted = await acceptInvitation(sim, row.invitationId!);
  await trackMachineUsers(db, dashboard, projectId);
  const token = sim.store.issueApiToken(accepted.user_id, label).token;
  if (environmentIds.length > 0) {
    const pushed = await recordAndPushToken(admin, { machineUserId, runId: randomUUID(), token, name: label, environmentIds, visibleBuild: false }, deps);
    expect(pushed).toMatchObject({ ok: true, data: { status: 'succeeded' } });
  }
  return { machineUserId, platformshUserId: accepted.user_id, token };
}

// Sandbox mode's review demo, end to end against the simulator: after the first sync and the demo
// records, the findings hold everything the "done when" names (a compromised token still to
// delete, an overdue rotation, an address override, tokens made outside Keywarden, hand-set
// inheritable token variables) and nothing that says the demo contradicts itself (no drift); a
// later sync keeps them; seeding twice writes nothing the second time; no token value is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { PlatformshClient } from '@/lib/platformsh';
import { DEMO_HAND_SET_TOKEN_PROJECT_ID, startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { REVIEW_DEMO, reviewDemoTokens } from '@/lib/platformsh/simulator/review-demo';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { databaseText } from '@/lib/testing/inspect';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { recomputeFindings } from './engine';
import { seedReviewDemoRecords } from './sandbox-demo';

const CREDENTIAL_KEY = 'sandbox-review-demo-key-for-tests-0123456789';
const FINGERPRINT_KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';

describe.each(TEST_DATABASE_KINDS)('the sandbox review demo on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let client: PlatformshClient;

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ seed: 'demo', credentialKey: CREDENTIAL_KEY, reviewDemo: true });
    client = simulatorClient(sim);
  });

  afterAll(async () => {
    client?.dispose();
    await sim?.stop();
  });

  const openFindings = async () =>
    (await db.finding.findMany({ where: { resolvedAt: null }, select: { ruleId: true, subjectKey: true, projectId: true } })).map((row) => `${row.ruleId} ${row.projectId}`);

  it('shows every finding the demo holds, consistently across syncs', async () => {
    expect((await runSync(db, client, { full: true })).outcome.status).toBe('succeeded');
    expect(await seedReviewDemoRecords(db, { credentialKey: CREDENTIAL_KEY, fingerprintKey: FINGERPRINT_KEY })).toBe(true);
    expect(await seedReviewDemoRecords(db, { credentialKey: CREDENTIAL_KEY, fingerprintKey: FINGERPRINT_KEY })).toBe(false);
    await recomputeFindings(db);

    const { legacyProjectId, searchProjectId } = REVIEW_DEMO;
    const expected = [
      `token.compromised_not_deleted ${legacyProjectId}`,
      `token.past_rotate_by ${legacyProjectId}`,
      `token.made_outside_keywarden ${legacyProjectId}`,
      `machine_user.shared_address ${legacyProjectId}`,
      `machine_user.shared_address ${searchProjectId}`,
      `machine_user.owner_unavailable ${legacyProjectId}`,
      `variable.inheritable ${DEMO_HAND_SET_TOKEN_PROJECT_ID}`,
      `variable.not_keywarden ${DEMO_HAND_SET_TOKEN_PROJECT_ID}`,
    ];
    const first = await openFindings();
    expect(first).toEqual(expect.arrayContaining(expected));
    expect(first.filter((entry) => entry.startsWith('drift.'))).toEqual([]);

    // The next sync reads the demo's Platform.sh side: the machine users stay active, nothing drifts.
    expect((await runSync(db, client, { full: false })).outcome.status).toBe('succeeded');
    expect(await db.machineUser.count({ where: { state: 'active', projectId: { in: [legacyProjectId, searchProjectId] } } })).toBe(3);
    const second = await openFindings();
    expect(second).toEqual(expect.arrayContaining(expected));
    expect(second.filter((entry) => entry.startsWith('drift.'))).toEqual([]);

    // Metadata only: no demo token value anywhere in the database.
    const text = await databaseText(db);
    for (const token of Object.values(reviewDemoTokens(CREDENTIAL_KEY))) expect(text).not.toContain(token.value);
    // No admin was created: the first-run set-up still asks for one.
    expect(await db.user.count({ where: { role: 'admin' } })).toBe(0);
  });
});

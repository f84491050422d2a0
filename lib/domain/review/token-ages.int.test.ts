// Token age against the policy on PGlite and PostgreSQL, over tokens of known ages: the exact count
// per bucket (the Inventory age filter's bounds, a token exactly 30 days old in 30–90), the part of
// each bucket older than the policy's maximum age (the same test as the token.too_old rule, so the
// same number), active tokens only, Platform.sh's creation date before the recording date, and an
// onboarder's scope.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { tokenTooOld } from '@/lib/domain/findings/rules/token-too-old';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { daysAgo, machineUser, owner, project, token } from '@/lib/testing/findings';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { POLICY_DEFAULTS } from '@/lib/validations/policy';
import { getTokenAgeDistribution, type TokenAgeRow } from './token-ages';
import { VENDOR_PROFILES } from '@/lib/vendor';

const NOW = new Date('2027-03-01T12:00:00Z');
const ago = (days: number) => daysAgo(NOW, days);
const MAX_AGE = 100;

const row = (bucket: TokenAgeRow['bucket'], total: number, overPolicy: number): TokenAgeRow => ({ bucket, total, overPolicy });

describe.each(TEST_DATABASE_KINDS)('token age against the policy on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let reviewer: RequestContext;
  let projectA: string;
  let projectB: string;

  beforeAll(async () => {
    db = database.db;
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    await db.organisationPolicy.create({ data: { id: 1, values: { ...POLICY_DEFAULTS, rotationMaxAgeDays: MAX_AGE } } });
    projectA = (await project(db)).id;
    projectB = (await project(db)).id;
    const person = await owner(db);
    const a = await machineUser(db, { projectId: projectA, ownerId: person.id });
    const removed = await machineUser(db, { projectId: projectA, ownerId: person.id, state: 'removed', removedAt: ago(3) });
    const b = await machineUser(db, { projectId: projectB, ownerId: person.id });
    const active = (machineUserId: string, recordedDaysAgo: number, remoteDaysAgo: number | null = null) =>
      token(db, { machineUserId, recordedAt: ago(recordedDaysAgo), remoteCreatedAt: remoteDaysAgo === null ? null : ago(remoteDaysAgo) });

    await active(a.id, 10); // under 30 days
    await active(a.id, 5, 30); // exactly 30 days since Platform.sh made it: 30–90
    await active(removed.id, 50); // its machine user is removed, the token is still active: counted, as by the rule
    await active(a.id, 95); // 90–180, within the policy's 100 days
    await active(a.id, 5, 120); // 90–180, past the policy: Platform.sh's date wins over the recording's
    await active(b.id, 200); // 180–365, past the policy
    await active(a.id, 400); // over a year
    // Not active: never counted.
    await token(db, { machineUserId: a.id, status: 'superseded', recordedAt: ago(200) });
    await token(db, { machineUserId: b.id, status: 'revoked', recordedAt: ago(20) });
    await token(db, { machineUserId: b.id, status: 'compromised', recordedAt: ago(500) });
  });

  it('counts the active tokens per age bucket, and in each the ones older than the policy allows', async () => {
    const result = await getTokenAgeDistribution(reviewer, NOW);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.maxAgeDays).toBe(MAX_AGE);
    expect(result.data.buckets).toEqual([row('lt30', 1, 0), row('30to90', 2, 0), row('90to180', 2, 1), row('180to365', 1, 1), row('gt365', 1, 1)]);
  });

  it('counts as over the policy exactly the tokens the token.too_old rule reports', async () => {
    const result = await getTokenAgeDistribution(reviewer, NOW);
    if (!result.ok) throw new Error(result.error.message);
    const hits = await tokenTooOld.find(db, { now: NOW, policy: { ...POLICY_DEFAULTS, rotationMaxAgeDays: MAX_AGE }, vendor: VENDOR_PROFILES.platformsh });
    expect(result.data.buckets.reduce((sum, bucket) => sum + bucket.overPolicy, 0)).toBe(hits.length);
  });

  it('shows an onboarder the tokens of their assigned projects only, every bucket present', async () => {
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: [projectA] }), [projectA]);
    const result = await getTokenAgeDistribution(onboarder, NOW);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.buckets).toEqual([row('lt30', 1, 0), row('30to90', 2, 0), row('90to180', 2, 1), row('180to365', 0, 0), row('gt365', 1, 1)]);

    const unassigned = contextFor(await createUser(db, { role: 'onboarder' }), []);
    const none = await getTokenAgeDistribution(unassigned, NOW);
    expect(none.ok && none.data.buckets.every((bucket) => bucket.total === 0 && bucket.overPolicy === 0)).toBe(true);
  });
});

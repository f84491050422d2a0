import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { createTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '@/lib/testing/database';
import { accountKey, addressKey, blockedUntil, clearFailures, recordFailure, type ThrottlePolicy } from './throttle';

const POLICY: ThrottlePolicy = { limit: 3, windowSeconds: 60, blockSeconds: 300 };
const T0 = new Date('2030-01-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const uniqueKey = (label: string) => `${label}:${randomBytes(5).toString('hex')}`;

describe('throttle keys', () => {
  it('normalise the account e-mail and keep accounts and addresses apart', () => {
    expect(accountKey('  Ops@Example.COM ')).toBe('account:ops@example.com');
    expect(addressKey('203.0.113.5')).toBe('address:203.0.113.5');
    expect(accountKey('203.0.113.5')).not.toBe(addressKey('203.0.113.5'));
  });
});

describe.each(TEST_DATABASE_KINDS)('sign-in throttling on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
  });

  afterAll(async () => {
    await database?.destroy();
  });

  const rowOf = (key: string) => db.loginThrottle.findUnique({ where: { key } });

  it('blocks a key at the limit, for blockSeconds from the failure that reached it', async () => {
    const key = uniqueKey('account');
    await recordFailure(db, key, POLICY, at(0));
    await recordFailure(db, key, POLICY, at(10));
    expect(await blockedUntil(db, [key], at(10))).toBeNull();
    await recordFailure(db, key, POLICY, at(20));
    expect(await blockedUntil(db, [key], at(20))).toEqual(at(320));
    expect(await blockedUntil(db, [key], at(319))).toEqual(at(320));
    // Blocked until that moment, not at it.
    expect(await blockedUntil(db, [key], at(320))).toBeNull();
    expect(await rowOf(key)).toMatchObject({ failures: 3, windowStart: at(0), blockedUntil: at(320) });
  });

  it('starts a new window once windowSeconds have passed since the first failure', async () => {
    const key = uniqueKey('account');
    await recordFailure(db, key, POLICY, at(0));
    await recordFailure(db, key, POLICY, at(30));
    // 61 s after the window opened: the count restarts at 1 instead of reaching the limit.
    await recordFailure(db, key, POLICY, at(61));
    expect(await rowOf(key)).toMatchObject({ failures: 1, windowStart: at(61), blockedUntil: null });
    expect(await blockedUntil(db, [key], at(61))).toBeNull();
    // Within the new window, the limit applies again.
    await recordFailure(db, key, POLICY, at(70));
    await recordFailure(db, key, POLICY, at(80));
    expect(await blockedUntil(db, [key], at(80))).toEqual(at(380));
  });

  it('keeps counting within the window exactly at its edge', async () => {
    const key = uniqueKey('account');
    await recordFailure(db, key, POLICY, at(0));
    await recordFailure(db, key, POLICY, at(60));
    expect((await rowOf(key))?.failures).toBe(2);
  });

  it('blocks on the first failure when the limit is 1', async () => {
    const key = uniqueKey('account');
    await recordFailure(db, key, { limit: 1, windowSeconds: 60, blockSeconds: 30 }, at(0));
    expect(await blockedUntil(db, [key], at(1))).toEqual(at(30));
  });

  it('reports the latest block among several keys, ignoring unknown and expired ones', async () => {
    const shortBlock = uniqueKey('address');
    const longBlock = uniqueKey('account');
    const notBlocked = uniqueKey('account');
    for (const second of [0, 1, 2]) await recordFailure(db, shortBlock, POLICY, at(second));
    for (const second of [100, 101, 102]) await recordFailure(db, longBlock, POLICY, at(second));
    await recordFailure(db, notBlocked, POLICY, at(102));

    const keys = [shortBlock, longBlock, notBlocked, uniqueKey('never-seen')];
    expect(await blockedUntil(db, keys, at(103))).toEqual(at(402));
    expect(await blockedUntil(db, [shortBlock, notBlocked], at(103))).toEqual(at(302));
    // Once the shorter block has passed, only the longer one remains.
    expect(await blockedUntil(db, [shortBlock], at(303))).toBeNull();
    expect(await blockedUntil(db, keys, at(303))).toEqual(at(402));
    expect(await blockedUntil(db, keys, at(402))).toBeNull();
    expect(await blockedUntil(db, [uniqueKey('never-seen')], at(0))).toBeNull();
  });

  it('counts concurrent failures exactly', async () => {
    const key = uniqueKey('address');
    const generous: ThrottlePolicy = { limit: 1000, windowSeconds: 60, blockSeconds: 60 };
    await Promise.all(Array.from({ length: 20 }, () => recordFailure(db, key, generous, at(0))));
    expect(await rowOf(key)).toMatchObject({ failures: 20, blockedUntil: null });
  });

  it('blocks when concurrent failures cross the limit', async () => {
    const key = uniqueKey('address');
    await Promise.all(Array.from({ length: 20 }, () => recordFailure(db, key, { limit: 10, windowSeconds: 60, blockSeconds: 60 }, at(0))));
    expect(await rowOf(key)).toMatchObject({ failures: 20, blockedUntil: at(60) });
  });

  it('clears one key and leaves the others', async () => {
    const cleared = uniqueKey('account');
    const kept = uniqueKey('address');
    for (const key of [cleared, kept]) for (const second of [0, 1, 2]) await recordFailure(db, key, POLICY, at(second));
    await clearFailures(db, cleared);
    expect(await rowOf(cleared)).toBeNull();
    expect(await blockedUntil(db, [cleared], at(3))).toBeNull();
    expect(await blockedUntil(db, [kept], at(3))).toEqual(at(302));
  });
});

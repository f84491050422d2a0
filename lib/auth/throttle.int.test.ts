import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { accountKey, addressKey, claimAttempt, claimAttempts, settleSuccess, withInFlightCap, type ThrottlePolicy } from './throttle';

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

describe('verifications in flight', () => {
  it('refuses beyond the cap per key, and frees the place when a run ends', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const outcomes: string[] = [];
    const attempt = (key: string) =>
      withInFlightCap([key], 2, async () => 'refused', async () => {
        await held;
        outcomes.push(`ran ${key}`);
        return 'ran';
      });
    const running = [attempt('a'), attempt('a')];
    expect(await attempt('a')).toBe('refused');
    // Another key is not affected.
    const other = attempt('b');
    release();
    expect(await Promise.all([...running, other])).toEqual(['ran', 'ran', 'ran']);
    expect(await withInFlightCap(['a'], 2, async () => 'refused', async () => 'ran again')).toBe('ran again');
  });
});

describe.each(TEST_DATABASE_KINDS)('attempt throttling on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;

  beforeAll(() => {
    db = database.db;
  });

  const rowOf = (key: string) => db.loginThrottle.findUnique({ where: { key } });

  it('claims up to the limit, blocks from the claim that reached it, and refuses until the block has passed', async () => {
    const key = uniqueKey('account');
    expect(await claimAttempt(db, key, POLICY, at(0))).toMatchObject({ count: 1, windowStart: at(0) });
    expect(await claimAttempt(db, key, POLICY, at(10))).toMatchObject({ count: 2 });
    expect(await claimAttempt(db, key, POLICY, at(20))).toMatchObject({ count: 3 });
    expect(await rowOf(key)).toMatchObject({ failures: 3, windowStart: at(0), blockedUntil: at(320) });
    expect(await claimAttempt(db, key, POLICY, at(21))).toBeNull();
    expect(await claimAttempt(db, key, POLICY, at(319))).toBeNull();
    // A refused claim neither counts nor extends the block.
    expect(await rowOf(key)).toMatchObject({ failures: 3, blockedUntil: at(320) });
    // Blocked until that moment, not at it: then a new window starts.
    expect(await claimAttempt(db, key, POLICY, at(320))).toMatchObject({ count: 1, windowStart: at(320) });
    expect(await rowOf(key)).toMatchObject({ failures: 1, blockedUntil: null });
  });

  it('starts a new window once windowSeconds have passed since the first attempt', async () => {
    const key = uniqueKey('account');
    await claimAttempt(db, key, POLICY, at(0));
    await claimAttempt(db, key, POLICY, at(30));
    expect(await claimAttempt(db, key, POLICY, at(61))).toMatchObject({ count: 1, windowStart: at(61) });
    expect(await rowOf(key)).toMatchObject({ failures: 1, windowStart: at(61), blockedUntil: null });
    await claimAttempt(db, key, POLICY, at(70));
    await claimAttempt(db, key, POLICY, at(80));
    expect(await claimAttempt(db, key, POLICY, at(81))).toBeNull();
  });

  it('keeps counting within the window exactly at its edge', async () => {
    const key = uniqueKey('account');
    await claimAttempt(db, key, POLICY, at(0));
    expect(await claimAttempt(db, key, POLICY, at(60))).toMatchObject({ count: 2, windowStart: at(0) });
  });

  it('blocks on the first attempt when the limit is 1', async () => {
    const key = uniqueKey('account');
    expect(await claimAttempt(db, key, { limit: 1, windowSeconds: 60, blockSeconds: 30 }, at(0))).toMatchObject({ count: 1 });
    expect(await claimAttempt(db, key, { limit: 1, windowSeconds: 60, blockSeconds: 30 }, at(1))).toBeNull();
  });

  it('grants exactly the limit to a burst of concurrent claims', async () => {
    const key = uniqueKey('address');
    const claims = await Promise.all(Array.from({ length: 30 }, () => claimAttempt(db, key, { limit: 10, windowSeconds: 60, blockSeconds: 60 }, at(0))));
    expect(claims.filter(Boolean)).toHaveLength(10);
    expect(claims.flatMap((claim) => (claim ? [claim.count] : [])).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await rowOf(key)).toMatchObject({ failures: 10, blockedUntil: at(60) });
  });

  it('counts on every key even when one refuses', async () => {
    const blocked = uniqueKey('account');
    const open = uniqueKey('address');
    for (const second of [0, 1, 2]) await claimAttempt(db, blocked, POLICY, at(second));
    expect(await claimAttempts(db, [[blocked, POLICY], [open, POLICY]], at(3))).toBeNull();
    expect((await rowOf(open))?.failures).toBe(1);
    expect(await claimAttempts(db, [[uniqueKey('account'), POLICY], [open, POLICY]], at(4))).toHaveLength(2);
  });

  it('a success gives back what its claim counted, and keeps what was counted after it', async () => {
    const key = uniqueKey('account');
    await claimAttempt(db, key, POLICY, at(0));
    const success = (await claimAttempt(db, key, POLICY, at(1)))!;
    // Counted while the success was being verified: reaches the limit and blocks.
    await claimAttempt(db, key, POLICY, at(2));
    expect(await rowOf(key)).toMatchObject({ failures: 3, blockedUntil: at(302) });
    await settleSuccess(db, success, 'claim');
    expect(await rowOf(key)).toMatchObject({ failures: 1, blockedUntil: null });
  });

  it('an own-only settlement gives back one attempt', async () => {
    const key = uniqueKey('address');
    await claimAttempt(db, key, POLICY, at(0));
    const success = (await claimAttempt(db, key, POLICY, at(1)))!;
    await settleSuccess(db, success, 'own');
    expect((await rowOf(key))?.failures).toBe(1);
  });

  it('a settlement from an earlier window changes nothing in the new one', async () => {
    const key = uniqueKey('account');
    const old = (await claimAttempt(db, key, POLICY, at(0)))!;
    await claimAttempt(db, key, POLICY, at(100));
    await settleSuccess(db, old, 'claim');
    expect(await rowOf(key)).toMatchObject({ failures: 1, windowStart: at(100) });
  });
});

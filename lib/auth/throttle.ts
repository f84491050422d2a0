// Throttling of attempts by people who are not signed in (SECURITY.md A4, A6): sign-in per account
// and per client address, one-time links per client address. Counters live in the database, each
// changed by one atomic statement, so the limits hold across app instances and under a burst.
//
// An attempt is *claimed* before the costly or revealing work (argon2, a link lookup): the claim
// counts it as a failure at once, and is refused when the key is blocked or already at its limit.
// So N attempts sent at once are never all verified — at most `limit` of them are. An attempt that
// then succeeds gives back what it claimed (settleSuccess); failures counted after it stay.
import type { Database } from '@/lib/db';

export interface ThrottlePolicy {
  limit: number;
  windowSeconds: number;
  blockSeconds: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { limit: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };
export const ADDRESS_POLICY: ThrottlePolicy = { limit: 25, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };
/** Set-up and invitation links: a stranger trying links from one address. */
export const LINK_POLICY: ThrottlePolicy = { limit: 10, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;
export const linkAddressKey = (address: string) => `link:${address}`;

type Db = Pick<Database, '$queryRaw' | '$executeRaw'>;

/** A counted attempt: its place in the key's window, to give back on success. */
export interface Claim {
  key: string;
  policy: ThrottlePolicy;
  /** The key's failures including this attempt, when it was counted. */
  count: number;
  windowStart: Date;
}

/**
 * Counts one attempt on `key`, or refuses it (null) when the key is blocked or its window is full.
 * One statement: the row lock of ON CONFLICT DO UPDATE serialises concurrent claims, and its WHERE
 * is evaluated on the latest row, so a burst gets exactly `limit` claims per window.
 */
export async function claimAttempt(db: Db, key: string, policy: ThrottlePolicy, now = new Date()): Promise<Claim | null> {
  const windowStartCutoff = new Date(now.getTime() - policy.windowSeconds * 1000);
  const blockUntil = new Date(now.getTime() + policy.blockSeconds * 1000);
  // A row starts afresh when its block has passed, or (unblocked) when its window has; while a
  // block lasts nothing resets it.
  const rows = await db.$queryRaw<{ failures: number; window_start: Date }[]>`
    INSERT INTO login_throttles AS t (key, failures, window_start, blocked_until)
    VALUES (${key}, 1, ${now}, ${policy.limit <= 1 ? blockUntil : null})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.blocked_until <= ${now} OR (t.blocked_until IS NULL AND t.window_start < ${windowStartCutoff}) THEN 1 ELSE t.failures + 1 END,
      window_start = CASE WHEN t.blocked_until <= ${now} OR (t.blocked_until IS NULL AND t.window_start < ${windowStartCutoff}) THEN ${now} ELSE t.window_start END,
      blocked_until = CASE
        WHEN (CASE WHEN t.blocked_until <= ${now} OR (t.blocked_until IS NULL AND t.window_start < ${windowStartCutoff}) THEN 1 ELSE t.failures + 1 END) >= ${policy.limit}
        THEN ${blockUntil}::timestamptz ELSE NULL END
    WHERE t.blocked_until <= ${now}
       OR (t.blocked_until IS NULL AND (t.window_start < ${windowStartCutoff} OR t.failures < ${policy.limit}))
    RETURNING failures, window_start`;
  const row = rows[0];
  return row ? { key, policy, count: Number(row.failures), windowStart: row.window_start } : null;
}

/**
 * An attempt that succeeded gives back what its claim counted: `upTo: 'own'` its own attempt only
 * (a client address, shared by many people), `upTo: 'claim'` every failure counted up to its own
 * (the account: the person proved who they are). Failures counted after its claim — attempts made
 * while it was being verified — stay counted, and so does a block they reached.
 */
export async function settleSuccess(db: Db, claim: Claim, upTo: 'own' | 'claim'): Promise<void> {
  const giveBack = upTo === 'own' ? 1 : claim.count;
  await db.$executeRaw`
    UPDATE login_throttles SET
      failures = GREATEST(failures - ${giveBack}, 0),
      blocked_until = CASE WHEN failures - ${giveBack} >= ${claim.policy.limit} THEN blocked_until ELSE NULL END
    WHERE key = ${claim.key} AND window_start = ${claim.windowStart}`;
}

/**
 * Claims one attempt on every key (all are counted, so a refusal by one still counts on the
 * others), and answers the claims when every key accepted, or null when any refused.
 */
export async function claimAttempts(db: Db, entries: readonly (readonly [string, ThrottlePolicy])[], now = new Date()): Promise<Claim[] | null> {
  const claims = await Promise.all(entries.map(([key, policy]) => claimAttempt(db, key, policy, now)));
  return claims.every((claim): claim is Claim => claim !== null) ? claims : null;
}

/**
 * Verifications in flight in this process, per key: a second guard beside the counters, so that a
 * burst on one account cannot occupy the server's argon2 time even within the limit.
 */
const inFlight = new Map<string, number>();

export async function withInFlightCap<T>(keys: readonly string[], cap: number, refused: () => Promise<T>, run: () => Promise<T>): Promise<T> {
  if (keys.some((key) => (inFlight.get(key) ?? 0) >= cap)) return refused();
  for (const key of keys) inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
  try {
    return await run();
  } finally {
    for (const key of keys) {
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left > 0) inFlight.set(key, left);
      else inFlight.delete(key);
    }
  }
}

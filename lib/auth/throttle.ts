// Sign-in throttling per account and per client address (SECURITY.md A4). Counters live in the
// database, updated by one atomic statement each, so the limit holds across app instances.
import type { Database } from '@/lib/db';

export interface ThrottlePolicy {
  limit: number;
  windowSeconds: number;
  blockSeconds: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { limit: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };
export const ADDRESS_POLICY: ThrottlePolicy = { limit: 25, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

type Db = Pick<Database, '$queryRaw' | '$executeRaw'>;

/** The moment the last of the given keys unblocks, or null when none is blocked. */
export async function blockedUntil(db: Db, keys: string[], now = new Date()): Promise<Date | null> {
  const rows = await db.$queryRaw<{ blocked_until: Date }[]>`
    SELECT blocked_until FROM login_throttles
    WHERE key = ANY(${keys}) AND blocked_until > ${now}
    ORDER BY blocked_until DESC LIMIT 1`;
  return rows[0]?.blocked_until ?? null;
}

export async function recordFailure(db: Db, key: string, policy: ThrottlePolicy, now = new Date()): Promise<void> {
  const windowStartCutoff = new Date(now.getTime() - policy.windowSeconds * 1000);
  const blockUntil = new Date(now.getTime() + policy.blockSeconds * 1000);
  await db.$executeRaw`
    INSERT INTO login_throttles (key, failures, window_start, blocked_until)
    VALUES (${key}, 1, ${now}, ${policy.limit <= 1 ? blockUntil : null})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN login_throttles.window_start < ${windowStartCutoff} THEN 1 ELSE login_throttles.failures + 1 END,
      window_start = CASE WHEN login_throttles.window_start < ${windowStartCutoff} THEN ${now} ELSE login_throttles.window_start END,
      blocked_until = CASE
        WHEN (CASE WHEN login_throttles.window_start < ${windowStartCutoff} THEN 1 ELSE login_throttles.failures + 1 END) >= ${policy.limit}
        THEN ${blockUntil} ELSE login_throttles.blocked_until END`;
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.$executeRaw`DELETE FROM login_throttles WHERE key = ${key}`;
}

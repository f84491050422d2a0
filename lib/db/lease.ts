// Leases make a background job (the inventory sync) run on one instance at a time, on PGlite and
// PostgreSQL alike. Taking one is a single conditional upsert, so two instances racing for it
// cannot both win; a holder that dies stops renewing, and the lease is free once it expires.
// Times come from the database's clock, so instances with skewed clocks agree.
import type { Database, Prisma } from './index';

type Queryable = Pick<Database, '$queryRaw'> | Pick<Prisma.TransactionClient, '$queryRaw'>;

/** Takes the lease if it is free, expired, or already ours; true when we hold it afterwards. */
export async function tryAcquireLease(db: Queryable, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO job_leases (name, holder, expires_at)
    VALUES (${name}, ${holder}, (now() AT TIME ZONE 'utc') + make_interval(secs => ${ttlMs / 1000}::double precision))
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE job_leases.expires_at < (now() AT TIME ZONE 'utc') OR job_leases.holder = EXCLUDED.holder
    RETURNING holder`;
  return rows.length === 1;
}

/** Extends our lease; false when it was lost (expired and taken by another holder). */
export async function renewLease(db: Queryable, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ holder: string }[]>`
    UPDATE job_leases SET expires_at = (now() AT TIME ZONE 'utc') + make_interval(secs => ${ttlMs / 1000}::double precision)
    WHERE name = ${name} AND holder = ${holder}
    RETURNING holder`;
  return rows.length === 1;
}

export async function releaseLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.$queryRaw`DELETE FROM job_leases WHERE name = ${name} AND holder = ${holder} RETURNING name`;
}

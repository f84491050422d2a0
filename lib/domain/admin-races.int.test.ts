// Concurrent changes to the set of admins. Each check ("another active admin remains", "no admin
// exists yet") reads before it writes, so two transactions running side by side could each pass it.
// Only a PostgreSQL server runs transactions side by side (PGlite runs one at a time), so this file
// uses PostgreSQL alone, and forces the worst interleaving: both racers are held at their first
// write to `users` until both have made their check, then released together.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOneTimeLink, SETUP_LINK_TTL_MS } from '@/lib/auth/one-time-link';
import type { Database } from '@/lib/db';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { holdTableLock } from '@/lib/testing/locks';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { completeFirstAdminSetup } from './accounts';
import { changeUserRole, disableUser } from './users';

const PASSWORD = 'a long enough password';

describe('concurrent changes to the set of admins on postgresql', () => {
  const database = setUpTestDatabase('postgresql');
  let db: Database;
  let url: string;

  beforeAll(() => {
    db = database.db;
    if (database.migrationTarget.kind !== 'postgresql') throw new Error('expected a PostgreSQL database');
    url = database.migrationTarget.url;
  });

  beforeEach(async () => {
    await db.user.deleteMany({});
    await db.oneTimeLink.deleteMany({});
  });

  /** Starts the calls, waits until each is stopped at its write to `users`, then lets them all go. */
  async function race<T>(calls: (() => Promise<T>)[]): Promise<T[]> {
    const lock = await holdTableLock(url, 'users');
    try {
      const running = Promise.all(calls.map((call) => call()));
      await lock.waitUntilBlocked(calls.length);
      await lock.release();
      return await running;
    } finally {
      await lock.release();
    }
  }

  it('two admins demoting and disabling each other at once leave one active admin', async () => {
    const first = await createUser(db, { role: 'admin' });
    const second = await createUser(db, { role: 'admin' });
    const results = await race<{ ok: boolean }>([
      () => changeUserRole(contextFor(first), { userId: second.id, role: 'reviewer' }),
      () => disableUser(contextFor(second), { userId: first.id }),
    ]);
    expect(results.map((result) => result.ok).sort()).toEqual([false, true]);
    expect(await db.user.count({ where: { role: 'admin', disabledAt: null } })).toBe(1);
  });

  it('two admins disabling each other at once leave one active admin', async () => {
    const first = await createUser(db, { role: 'admin' });
    const second = await createUser(db, { role: 'admin' });
    const results = await race<{ ok: boolean }>([
      () => disableUser(contextFor(first), { userId: second.id }),
      () => disableUser(contextFor(second), { userId: first.id }),
    ]);
    expect(results.map((result) => result.ok).sort()).toEqual([false, true]);
    expect(await db.user.count({ where: { role: 'admin', disabledAt: null } })).toBe(1);
  });

  it('two first-run set-ups with two different links create one admin', async () => {
    const links = await Promise.all([1, 2].map(() => createOneTimeLink(db, 'first_admin_setup', SETUP_LINK_TTL_MS)));
    const results = await race<{ ok: boolean }>(
      links.map((link, index) => () =>
        completeFirstAdminSetup({ token: link.token, email: `racer-${index}@example.com`, password: PASSWORD, confirmPassword: PASSWORD }, null),
      ),
    );
    expect(results.map((result) => result.ok).sort()).toEqual([false, true]);
    expect(await db.user.count({ where: { role: 'admin' } })).toBe(1);
  });
});

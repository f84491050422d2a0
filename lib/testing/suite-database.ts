// The database of one describe block of an integration test: what most of them open with, once.
// Kept apart from ./database, which the benchmarks import outside Vitest (this module registers hooks).
import { afterAll, beforeAll } from 'vitest';
import { useDatabaseForTests } from '@/lib/db';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from './database';

/** The block's database as its hooks and tests see it; setUpTestDatabase() destroys it, not the caller. */
export type SuiteDatabase = Omit<TestDatabase, 'destroy'>;

/**
 * A fresh, migrated database of `kind` for the calling describe block, installed as the one domain
 * code reaches (`useDatabaseForTests`), and destroyed once the block is done.
 *
 * Call it first in the block: Vitest runs beforeAll hooks in the order they are registered and
 * afterAll hooks in reverse (its default `sequence.hooks: 'stack'`), so the block's own set-up sees
 * the database ready and its own tear-down runs before the database goes. The fields are read
 * lazily: inside hooks and tests, not while the block is being collected.
 */
export function setUpTestDatabase(kind: TestDatabaseKind): SuiteDatabase {
  let current: TestDatabase | undefined;
  const ready = (): TestDatabase => {
    if (!current) throw new Error(`The ${kind} test database is not set up: read it inside a hook or a test registered after setUpTestDatabase().`);
    return current;
  };
  beforeAll(async () => {
    current = await createTestDatabase(kind);
    useDatabaseForTests(current);
  });
  afterAll(async () => {
    await current?.destroy();
    current = undefined;
  });
  return {
    get db() {
      return ready().db;
    },
    get kind() {
      return ready().kind;
    },
    get pglite() {
      return ready().pglite;
    },
    get migrationTarget() {
      return ready().migrationTarget;
    },
    close: () => ready().close(),
  };
}

// Fresh, migrated databases for integration tests: an in-memory PGlite, or a new database on the
// PostgreSQL server named by TEST_DATABASE_URL (npm test starts a throw-away server and sets it).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseOnPGlite, openDatabase, type DatabaseHandle } from '@/lib/db/client';
import { applyMigrations, type MigrationTarget } from '@/lib/db/migrate';
import { newPGlite } from '@/lib/db/pglite';

export type TestDatabaseKind = 'pglite' | 'postgresql';

export const TEST_DATABASE_KINDS: readonly TestDatabaseKind[] = ['pglite', 'postgresql'];

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: the PostgreSQL half of the integration suite needs a server. Run `npm test` (it starts one), or point TEST_DATABASE_URL at a disposable server.',
    );
  }
  return url;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database (no schema) on the test server: for tools that bring their own (db:copy). */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `keywarden_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return { url: withDatabase(serverUrl(), name), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface TestDatabase extends DatabaseHandle {
  /** Where the migration runner reaches this same database. */
  migrationTarget: MigrationTarget;
  /** Drops the database (PostgreSQL) or closes it (PGlite). */
  destroy: () => Promise<void>;
}

export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const pglite = newPGlite();
    const migrationTarget = { kind: 'pglite', client: pglite } as const;
    await applyMigrations(migrationTarget);
    const handle = databaseOnPGlite(pglite);
    return {
      ...handle,
      migrationTarget,
      destroy: async () => {
        await handle.close();
        await pglite.close();
      },
    };
  }
  const name = `keywarden_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl(), name);
  const migrationTarget = { kind: 'postgresql', url } as const;
  await applyMigrations(migrationTarget);
  const handle = openDatabase(migrationTarget);
  return {
    ...handle,
    migrationTarget,
    destroy: async () => {
      await handle.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

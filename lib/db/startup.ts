import type { PGlite } from '@electric-sql/pglite';
import type { Config } from '@/lib/config';
import { openEmbeddedDatabase, releaseEmbeddedDatabase } from './client';
import { applyMigrations } from './migrate';
import { grantRuntimePrivileges } from './privileges';

/**
 * Applies pending migrations to the configured database, then releases it (an embedded database
 * already open in this process, `open`, is used and left open). On PostgreSQL with
 * KEYWARDEN_MIGRATION_DATABASE_URL, the migrations run as that owner role, which then grants the
 * server's role (DATABASE_URL) its least privileges (SECURITY.md L4).
 */
export async function migrateConfiguredDatabase(config: Pick<Config, 'database'>, open?: PGlite): Promise<string[]> {
  const { database } = config;
  if (database.kind === 'postgresql') {
    const applied = await applyMigrations({ kind: 'postgresql', url: database.migrationUrl ?? database.url });
    if (database.migrationUrl) await grantRuntimePrivileges({ ownerUrl: database.migrationUrl, runtimeUrl: database.url });
    return applied;
  }
  if (open) return applyMigrations({ kind: 'pglite', client: open });
  const pglite = openEmbeddedDatabase(database.directory);
  try {
    return await applyMigrations({ kind: 'pglite', client: pglite });
  } finally {
    await pglite.close();
    releaseEmbeddedDatabase(database.directory);
  }
}

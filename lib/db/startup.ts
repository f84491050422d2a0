import { PGlite } from '@electric-sql/pglite';
import fs from 'node:fs';
import type { Config } from '@/lib/config';
import { applyMigrations } from './migrate';

/** Applies pending migrations to the configured database, then releases it. */
export async function migrateConfiguredDatabase(config: Pick<Config, 'database'>): Promise<string[]> {
  const { database } = config;
  if (database.kind === 'postgresql') return applyMigrations({ kind: 'postgresql', url: database.url });
  fs.mkdirSync(database.directory, { recursive: true, mode: 0o700 });
  const pglite = new PGlite(database.directory);
  try {
    return await applyMigrations({ kind: 'pglite', client: pglite });
  } finally {
    await pglite.close();
  }
}

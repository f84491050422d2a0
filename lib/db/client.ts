// The Prisma client factory. One generated client, two driver adapters: PGlite (embedded,
// persisted under the data directory) or a PostgreSQL server (DATABASE_URL).
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Config } from '@/lib/config';
import { PrismaClient } from './generated/client';
import { lockDirectory, unlockDirectory } from './directory-lock';
import { newPGlite } from './pglite';

export type Database = PrismaClient;

/**
 * PGlite's PostgreSQL starts with PostgreSQL's default shared_buffers, 128 MB, and touches all of
 * it at start: 128 MB of the server's resident memory before a single row is read. The embedded
 * database is one process's, its files are read through the OS page cache anyway, so 16 MB of
 * buffers hold the hot pages (measured with 20 users browsing the demo organisation: ~110 MB less
 * resident memory than the default, ~16 MB less than 32 MB, page times unchanged; issue 19).
 */
const EMBEDDED_SHARED_BUFFERS = '16MB';

/**
 * Opens the embedded database in `directory` (created if missing) with Keywarden's settings. The
 * directory is this process's until it exits or `releaseEmbeddedDatabase` (directory-lock.ts): a
 * second process is refused with DirectoryInUseError.
 */
export function openEmbeddedDatabase(directory: string): PGlite {
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  lockDirectory(directory);
  return newPGlite(directory, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] });
}
/** After closing an embedded database: another process may open its directory. */
export const releaseEmbeddedDatabase = unlockDirectory;

export type DatabaseKind = Config['database']['kind'];

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** The PGlite instance, when embedded (the migration runner drives the same one). */
  pglite?: PGlite;
  close: () => Promise<void>;
}

const process_ = globalThis as typeof globalThis & { keywardenEmbeddedDatabase?: { directory: string; pglite: PGlite } };

/**
 * Makes an open PGlite the one this process uses for its directory: `openDatabase` then wraps it
 * instead of opening the directory again. The custom server migrates and bootstraps through the
 * instance the app then serves from: each PGlite instance costs ~0.7 s to open and ~250 MB
 * resident (a closed one lingers until garbage collection), and a directory has one owner. On
 * globalThis because the Next.js bundle carries its own copy of this module.
 */
export function shareEmbeddedDatabase(directory: string, pglite: PGlite): void {
  process_.keywardenEmbeddedDatabase = { directory, pglite };
}

/** Opens a database for the given configuration. Only one process may open a PGlite directory. */
export function openDatabase(database: Config['database']): DatabaseHandle {
  const shared = process_.keywardenEmbeddedDatabase;
  if (database.kind === 'pglite' && shared?.directory === database.directory && !shared.pglite.closed) {
    // Its owner closes the instance; this handle only lets go of its client.
    return databaseOnPGlite(shared.pglite);
  }
  if (database.kind === 'pglite') {
    const pglite = openEmbeddedDatabase(database.directory);
    const db = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      db,
      kind: 'pglite',
      pglite,
      close: async () => {
        await db.$disconnect();
        await pglite.close();
        releaseEmbeddedDatabase(database.directory);
      },
    };
  }
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
  return { db, kind: 'postgresql', close: () => db.$disconnect() };
}

/** Wraps an already open PGlite (tests run many databases in one process). */
export function databaseOnPGlite(pglite: PGlite): DatabaseHandle {
  const db = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return { db, kind: 'pglite', pglite, close: () => db.$disconnect() };
}

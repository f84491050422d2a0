// The one place that constructs an embedded PostgreSQL (PGlite). The migrations create the pg_trgm
// extension (trigram indexes serve the lists' `ILIKE '%…%'` searches, issue 19), and PGlite can run
// CREATE EXTENSION, or read a table with a trigram index, only when the extension's files were
// loaded when the instance started: every PGlite the app, the migration runner's scratch database,
// the tests and the tools open comes from here (eslint refuses `new PGlite` anywhere else).
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/** The extensions the migrations create, loaded into every instance. */
export const PGLITE_EXTENSIONS = { pg_trgm } as const;

/** A PGlite on `directory` (in memory without one) with the extensions the schema needs. */
export function newPGlite(directory?: string, options: Omit<PGliteOptions, 'extensions' | 'dataDir'> = {}): PGlite {
  // One options object: PGlite ignores the second argument when the first is not a string.
  // eslint-disable-next-line no-restricted-syntax -- the one constructor the rule points to
  return new PGlite({ ...options, ...(directory ? { dataDir: directory } : {}), extensions: PGLITE_EXTENSIONS });
}

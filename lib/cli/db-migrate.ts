// npm run db:migrate — applies the committed migrations to the configured database (PGlite under
// the data directory, or DATABASE_URL). The app also does this on every start. On PostgreSQL with
// KEYWARDEN_MIGRATION_DATABASE_URL, they run as that owner role, which then grants DATABASE_URL's
// role its least privileges: run it so, and the server can start without the owner's URL.
import { getConfig } from '@/lib/config';
import { migrateConfiguredDatabase } from '@/lib/db/startup';

migrateConfiguredDatabase(getConfig())
  .then((applied) => {
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });

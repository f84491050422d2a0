// npm run db:migrate — applies the committed migrations to the configured database (PGlite under
// the data directory, or DATABASE_URL). The app also does this on every start.
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

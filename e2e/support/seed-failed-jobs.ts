// Run by the end-to-end global set-up before the server starts (PGlite admits one process): migrates
// the fresh data directory and puts failed jobs in it, as pg-boss leaves a job that failed on every
// attempt, so that Settings → Jobs has something to show and retry (e2e/role-matrix.spec.ts replays
// jobs.retry on them). Making a real job fail there would take minutes of backoff.
//
//   tsx e2e/support/seed-failed-jobs.ts <data directory> <count>
import { parseConfig } from '@/lib/config';
import { newPGlite } from '@/lib/db/pglite';
import { migrateConfiguredDatabase } from '@/lib/db/startup';
import { SEEDED_FAILED_JOB_MESSAGE } from './failed-jobs';

const [dataDir, count] = process.argv.slice(2);
if (!dataDir || !count) throw new Error('usage: seed-failed-jobs.ts <data directory> <count>');
const config = parseConfig({ KEYWARDEN_DATA_DIR: dataDir });
if (config.database.kind !== 'pglite') throw new Error('the end-to-end server runs on PGlite');
await migrateConfiguredDatabase(config);
const pglite = newPGlite(config.database.directory);
try {
  for (let index = 0; index < Number(count); index += 1) {
    await pglite.query(
      `INSERT INTO pgboss.job (name, data, state, retry_limit, retry_count, started_on, completed_on, output, policy)
       VALUES ('findings-recompute', '{}', 'failed', 3, 3, now(), now(), $1, 'short')`,
      [{ message: SEEDED_FAILED_JOB_MESSAGE }],
    );
  }
} finally {
  await pglite.close();
}

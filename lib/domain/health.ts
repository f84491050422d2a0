// What /api/health and the Settings page report. No secrets: kinds, states and counts only.
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db';
import { readMigrations } from '@/lib/db/migrations-on-disk';
import { logger } from '@/lib/logger';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  mode: 'sandbox' | 'live';
  database: { kind: 'pglite' | 'postgresql'; reachable: boolean };
  migrations: { state: 'current' | 'pending' | 'unknown'; applied: number; expected: number; pending: string[] };
}

export async function checkHealth(): Promise<HealthReport> {
  const config = getConfig();
  const expected = readMigrations().map((migration) => migration.name);
  let reachable = false;
  let applied: string[] = [];
  try {
    const rows = await getDb().$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    reachable = true;
    applied = rows.map((row) => row.migration_name);
  } catch (error) {
    logger.warn('health check: database query failed', { error });
  }
  const pending = expected.filter((name) => !applied.includes(name));
  const migrationState = !reachable ? 'unknown' : pending.length === 0 ? 'current' : 'pending';
  return {
    status: reachable && migrationState === 'current' ? 'ok' : 'degraded',
    version: config.version,
    mode: config.platformsh.mode,
    database: { kind: config.database.kind, reachable },
    migrations: { state: migrationState, applied: applied.length, expected: expected.length, pending },
  };
}

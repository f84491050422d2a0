import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations, diffMigrationsToSchema, isEmptyMigration, MIGRATIONS_DIR, SCHEMA_FILE } from '@/lib/db/migrate';
import { readMigrations } from '@/lib/db/migrations-on-disk';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { setUpTestDatabase } from '@/lib/testing/suite-database';

describe('committed migrations', () => {
  it('match prisma/schema.prisma exactly (no schema change without its migration)', async () => {
    const sql = await diffMigrationsToSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    expect(isEmptyMigration(sql), `schema.prisma has changes without a migration:\n${sql}`).toBe(true);
  });
});

describe.each(TEST_DATABASE_KINDS)('migrations on %s', (kind) => {
  const database = setUpTestDatabase(kind);

  it('leaves no lock and no connection behind once it returns (the next instance to start need not wait)', async () => {
    // The engine takes PostgreSQL's session-level advisory lock for migrations; a pool kept open after
    // the run held it until its idle connections timed out, and a second run waited for it.
    expect(await applyMigrations(database.migrationTarget)).toEqual([]);
    const [locks] = await database.db.$queryRaw<{ count: number }[]>`
      SELECT COUNT(*)::int AS count FROM pg_locks l JOIN pg_database d ON d.oid = l.database
      WHERE l.locktype = 'advisory' AND d.datname = current_database() AND l.pid <> pg_backend_pid()`;
    expect(locks?.count ?? 0).toBe(0);
  });

  it('records every committed migration and applies nothing the second time', async () => {
    const rows = await database.db.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`;
    expect(rows.map((row) => row.migration_name)).toEqual(readMigrations().map((migration) => migration.name));
    expect(await applyMigrations(database.migrationTarget)).toEqual([]);
  });

  it('applies a migration added after the rest (an up-to-date check answers only when nothing is pending)', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-migrations-'));
    try {
      fs.cpSync(MIGRATIONS_DIR, directory, { recursive: true });
      fs.mkdirSync(path.join(directory, '99991231000000_probe'));
      fs.writeFileSync(path.join(directory, '99991231000000_probe', 'migration.sql'), 'CREATE TABLE "migration_probe" ("id" INTEGER);\n');
      expect(await applyMigrations(database.migrationTarget, directory)).toEqual(['99991231000000_probe']);
      expect(await database.db.$queryRawUnsafe('SELECT COUNT(*)::int AS count FROM migration_probe')).toEqual([{ count: 0 }]);
      expect(await applyMigrations(database.migrationTarget, directory)).toEqual([]);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const { db } = database;
    await db.auditEvent.create({ data: { action: 'user.invite', outcome: 'succeeded' } });
    await expect(db.auditEvent.updateMany({ data: { outcome: 'failed' } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect(await db.auditEvent.count()).toBe(1);
    expect((await db.auditEvent.findFirstOrThrow()).outcome).toBe('succeeded');
  });
});

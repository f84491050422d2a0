// npm run db:new-migration -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes a database at the
// state of the existing migrations to the state described by prisma/schema.prisma.
import fs from 'node:fs';
import path from 'node:path';
import { diffMigrationsToSchema, isEmptyMigration, MIGRATIONS_DIR, SCHEMA_FILE } from '@/lib/db/migrate';

async function main(): Promise<void> {
  const name = (process.argv[2] ?? '').trim();
  if (!/^[a-z0-9_]{1,60}$/.test(name)) {
    console.error('Usage: npm run db:new-migration -- <name>   (lower-case letters, digits and _ only)');
    process.exit(2);
  }
  const schema = fs.readFileSync(SCHEMA_FILE, 'utf8');
  const sql = await diffMigrationsToSchema(schema);
  if (isEmptyMigration(sql)) {
    console.log('prisma/schema.prisma matches the existing migrations: nothing to write.');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const directory = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(path.join(directory, 'migration.sql'), sql);
  const lockfile = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  if (!fs.existsSync(lockfile)) fs.writeFileSync(lockfile, 'provider = "postgresql"\n');
  console.log(`Wrote ${path.relative(process.cwd(), directory)}/migration.sql — review it, then commit it.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

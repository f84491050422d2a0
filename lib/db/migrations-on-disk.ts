import fs from 'node:fs';
import path from 'node:path';

export const MIGRATIONS_DIR = path.resolve(process.cwd(), 'prisma/migrations');

export interface MigrationOnDisk {
  name: string;
  sql: string;
}

/** The committed migrations, in the order they apply. */
export function readMigrations(directory = MIGRATIONS_DIR): MigrationOnDisk[] {
  // The folder is read at run time on purpose; it is not a build input (hence turbopackIgnore).
  if (!fs.existsSync(/*turbopackIgnore: true*/ directory)) return [];
  return fs
    .readdirSync(/*turbopackIgnore: true*/ directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(directory, entry.name, 'migration.sql')))
    .map((entry) => ({ name: entry.name, sql: fs.readFileSync(path.join(directory, entry.name, 'migration.sql'), 'utf8') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

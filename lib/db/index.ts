// The app's database handle: opened once per process, kept on globalThis so that Next.js module
// reloads in development do not open the PGlite directory twice.
import { getConfig } from '@/lib/config';
import { openDatabase, type Database, type DatabaseHandle } from './client';

const holder = globalThis as typeof globalThis & { keywardenDatabase?: DatabaseHandle };

export function getDatabaseHandle(): DatabaseHandle {
  holder.keywardenDatabase ??= openDatabase(getConfig().database);
  return holder.keywardenDatabase;
}

export function getDb(): Database {
  return getDatabaseHandle().db;
}

/** Tests install their own database (PGlite or PostgreSQL) before calling domain code. */
export function useDatabaseForTests(handle: DatabaseHandle): void {
  holder.keywardenDatabase = handle;
}

export type { Database, DatabaseHandle } from './client';
export { Prisma } from './generated/client';

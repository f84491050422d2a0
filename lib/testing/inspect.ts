// Read-only views of a test database: table snapshots to prove a refused call changed nothing, the
// audit rows a call wrote, and the whole database as text to search for values that must not be there.
import type { Database } from '@/lib/db';

/**
 * The tables of the current schema (migrations' bookkeeping included), by name, then the job
 * queue's (schema `pgboss`: its jobs are data too — a refused retry must leave them as they were,
 * and a token must not be in a job's payload), as `pgboss.<name>`.
 */
export async function tableNames(db: Database): Promise<string[]> {
  const rows = await db.$queryRaw<{ tablename: string }[]>`
    SELECT CASE WHEN schemaname = current_schema() THEN tablename ELSE schemaname || '.' || tablename END AS tablename
    FROM pg_tables WHERE schemaname = current_schema() OR schemaname = 'pgboss'
    ORDER BY schemaname = current_schema() DESC, tablename`;
  return rows.map((row) => row.tablename);
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** `name` or `schema.name`, quoted. */
const quoteTable = (table: string) => (table.startsWith('pgboss.') ? `pgboss.${quoteIdentifier(table.slice('pgboss.'.length))}` : quoteIdentifier(table));

/**
 * Every row of every table except `except` (by default the audit log, its refusal counts and its checkpoints), each
 * row as JSON text, sorted per table. Two snapshots are equal exactly when no row was inserted,
 * changed or deleted in those tables.
 */
export async function snapshotTables(db: Database, except: readonly string[] = ['audit_events', 'audit_refusal_windows', 'audit_chain_checkpoints']): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of await tableNames(db)) {
    if (except.includes(table)) continue;
    // The name comes from the catalogue, not from input; quoting keeps it one identifier.
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM ${quoteTable(table)} t`);
    snapshot[table] = rows.map((row) => row.row).sort();
  }
  return snapshot;
}

/** The whole database as one text (every table, every row as JSON), for "this value is nowhere" checks. */
export async function databaseText(db: Database): Promise<string> {
  const snapshot = await snapshotTables(db, []);
  return Object.entries(snapshot)
    .map(([table, rows]) => `${table}\n${rows.join('\n')}`)
    .join('\n');
}

/** The newest audit row's sequence number (0 when the log is empty): take it before a call. */
export async function lastAuditSeq(db: Database): Promise<bigint> {
  const last = await db.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true } });
  return last?.seq ?? 0n;
}

/** The audit rows written after `seq`, oldest first. */
export function auditEventsSince(db: Database, seq: bigint) {
  return db.auditEvent.findMany({ where: { seq: { gt: seq } }, orderBy: { seq: 'asc' } });
}

// Copies an embedded (PGlite) installation into an empty PostgreSQL database (`npm run db:copy`):
// the schema through the app's own migrations, then every table of the public schema in foreign-key
// order, rows exactly as stored (ids, timestamps, the audit log's seq and macs), then the sequences'
// positions. The rows travel as JSON built and parsed by PostgreSQL itself on both sides
// (row_to_json → json_populate_recordset), so every type (uuid, jsonb, bytea, enums, arrays,
// timestamps to the microsecond) round-trips without a client-side conversion.
// The copy of the rows is one transaction on the target: it lands whole or not at all.
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { verifyAuditChain, type ChainVerification } from '@/lib/audit/chain';
import { openDatabase } from './client';
import { applyMigrations } from './migrate';
import { readMigrations } from './migrations-on-disk';

/** An expected failure: the CLI prints its message alone (no stack trace). */
export class CopyError extends Error {}

export interface TableCopy {
  table: string;
  source: number;
  target: number;
}

export interface CopyReport {
  migrationsApplied: string[];
  tables: TableCopy[];
  sequences: number;
  audit: ChainVerification;
  milliseconds: number;
}

const BATCH_ROWS = 500;
/**
 * The job queue's schema (pg-boss), created with its queues by the migrations. Its rows are not
 * copied: jobs are transient, and the schedules are set again by the server when it starts.
 */
const JOB_QUEUE_SCHEMA = 'pgboss';
/** Recorded by the migrations themselves on the target; never copied. */
const MIGRATIONS_TABLE = '_prisma_migrations';

interface Column {
  name: string;
  type: string;
}

interface TableShape {
  name: string;
  columns: Column[];
  primaryKey: string[];
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

async function tableShapes(source: PGlite): Promise<TableShape[]> {
  const { rows } = await source.query<{ table: string; column: string; type: string; generated: string; key_position: number | null }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated AS generated,
           array_position(pk.conkey, a.attnum) AS key_position
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
    WHERE c.relkind = 'r' AND c.relname <> '${MIGRATIONS_TABLE}'
    ORDER BY c.relname, a.attnum`);
  const shapes = new Map<string, TableShape & { keyed: { name: string; position: number }[] }>();
  for (const row of rows) {
    const shape = shapes.get(row.table) ?? { name: row.table, columns: [], primaryKey: [], keyed: [] };
    shapes.set(row.table, shape);
    // A generated column is computed by the target itself.
    if (row.generated === '') shape.columns.push({ name: row.column, type: row.type });
    if (row.key_position !== null) shape.keyed.push({ name: row.column, position: row.key_position });
  }
  return [...shapes.values()].map(({ keyed, ...shape }) => ({ ...shape, primaryKey: keyed.sort((a, b) => a.position - b.position).map((key) => key.name) }));
}

/** Tables ordered so that each comes after every table it references (a self-reference is left to the row order). */
async function inDependencyOrder(source: PGlite, shapes: TableShape[]): Promise<TableShape[]> {
  const { rows } = await source.query<{ child: string; parent: string }>(`
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_constraint f
    JOIN pg_class child ON child.oid = f.conrelid
    JOIN pg_class parent ON parent.oid = f.confrelid
    JOIN pg_namespace n ON n.oid = child.relnamespace AND n.nspname = 'public'
    WHERE f.contype = 'f' AND child.oid <> parent.oid`);
  const parents = new Map(shapes.map((shape) => [shape.name, new Set<string>()]));
  for (const { child, parent } of rows) parents.get(child)?.add(parent);
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  const remaining = [...shapes].sort((a, b) => a.name.localeCompare(b.name));
  while (remaining.length > 0) {
    const index = remaining.findIndex((shape) => [...parents.get(shape.name)!].every((parent) => placed.has(parent) || !parents.has(parent)));
    if (index === -1) throw new CopyError(`The tables ${remaining.map((shape) => shape.name).join(', ')} reference each other in a cycle: no order copies them.`);
    const [next] = remaining.splice(index, 1);
    ordered.push(next!);
    placed.add(next!.name);
  }
  return ordered;
}

async function withTarget<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new CopyError(`Cannot connect to the target database: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Refuses a target that holds anything: another application's tables, or Keywarden's with rows.
 * Keywarden's own schema with every table empty (`npm run db:migrate` ran, or an earlier copy
 * failed and rolled back) is accepted: the migrations have nothing left to do there.
 */
async function assertEmptyTarget(url: string): Promise<void> {
  await withTarget(url, async (client) => {
    const { rows } = await client.query<{ schema: string; table: string }>(`
      SELECT table_schema AS schema, table_name AS table FROM information_schema.tables
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'
      ORDER BY 1, 2`);
    if (rows.length === 0) return;
    const foreign = rows.filter((row) => row.schema !== 'public' && row.schema !== JOB_QUEUE_SCHEMA);
    const hasMigrations = rows.some((row) => row.schema === 'public' && row.table === MIGRATIONS_TABLE);
    if (foreign.length > 0 || !hasMigrations) {
      throw new CopyError(
        `The target database is not empty (${rows.length} tables, e.g. ${rows.slice(0, 3).map((row) => `${row.schema}.${row.table}`).join(', ')}): ` +
          'db:copy only fills a new, empty database (CREATE DATABASE …).',
      );
    }
    const withRows: string[] = [];
    for (const { schema, table } of rows) {
      if (table === MIGRATIONS_TABLE || schema === JOB_QUEUE_SCHEMA) continue;
      const { rowCount } = await client.query(`SELECT 1 FROM public.${quote(table)} LIMIT 1`);
      if (rowCount) withRows.push(table);
    }
    if (withRows.length > 0) {
      throw new CopyError(`The target database already holds Keywarden data (rows in ${withRows.join(', ')}): db:copy refuses to mix two installations.`);
    }
  });
}

/** The source must be at exactly the migrations this version ships (the target gets those). */
async function assertSourceCurrent(source: PGlite): Promise<void> {
  const onDisk = readMigrations().map((migration) => migration.name);
  let applied: string[];
  try {
    applied = (await source.query<{ migration_name: string }>(`SELECT migration_name FROM ${MIGRATIONS_TABLE} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).rows.map(
      (row) => row.migration_name,
    );
  } catch {
    throw new CopyError('The source is not a Keywarden database (it has no migrations table).');
  }
  const pending = onDisk.filter((name) => !applied.includes(name));
  const unknown = applied.filter((name) => !onDisk.includes(name));
  if (unknown.length > 0) throw new CopyError(`The source was migrated by a newer Keywarden (${unknown.join(', ')}): run db:copy from that version.`);
  if (pending.length > 0) {
    throw new CopyError(`The source lacks ${pending.length} migration(s) of this version (${pending.join(', ')}): start Keywarden once, or run \`npm run db:migrate\`, then copy.`);
  }
}

async function countRows(query: (sql: string) => Promise<{ count: string | number }[]>, table: string): Promise<number> {
  const [row] = await query(`SELECT COUNT(*)::text AS count FROM public.${quote(table)}`);
  return Number(row?.count ?? 0);
}

async function copyTable(source: PGlite, target: pg.Client, shape: TableShape): Promise<void> {
  const table = `public.${quote(shape.name)}`;
  const columns = shape.columns.map((column) => quote(column.name)).join(', ');
  const insert = `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`;
  const keyTypes = shape.primaryKey.map((name) => shape.columns.find((column) => column.name === name)?.type ?? 'text');
  const keyList = shape.primaryKey.map(quote).join(', ');
  // Keyset pagination on the primary key (OFFSET would rescan the table for every batch).
  let after: string[] | undefined;
  for (let offset = 0; ; offset += BATCH_ROWS) {
    let sql: string;
    let params: string[] = [];
    if (shape.primaryKey.length === 0) {
      sql = `SELECT row_to_json(t)::text AS json FROM ${table} t ORDER BY ctid LIMIT ${BATCH_ROWS} OFFSET ${offset}`;
    } else {
      const keys = shape.primaryKey.map((name, index) => `${quote(name)}::text AS k${index}`).join(', ');
      const where = after ? `WHERE (${keyList}) > (${keyTypes.map((type, index) => `$${index + 1}::${type}`).join(', ')})` : '';
      params = after ?? [];
      sql = `SELECT row_to_json(t)::text AS json, ${keys} FROM ${table} t ${where} ORDER BY ${keyList} LIMIT ${BATCH_ROWS}`;
    }
    const { rows } = await source.query<Record<string, string>>(sql, params);
    if (rows.length === 0) return;
    await target.query(insert, [`[${rows.map((row) => row.json).join(',')}]`]);
    const last = rows[rows.length - 1]!;
    after = shape.primaryKey.map((_, index) => last[`k${index}`]!);
    if (rows.length < BATCH_ROWS) return;
  }
}

/** Sets each sequence of the target where the source's stands (the next audit seq follows on). */
async function copySequences(source: PGlite, target: pg.Client): Promise<number> {
  const { rows } = await source.query<{ name: string; last_value: string | null }>(
    `SELECT sequencename AS name, last_value::text AS last_value FROM pg_sequences WHERE schemaname = 'public'`,
  );
  for (const row of rows) {
    if (row.last_value === null) continue; // never used: the target's fresh sequence is the same
    await target.query('SELECT setval($1::regclass, $2::bigint, true)', [`public.${quote(row.name)}`, row.last_value]);
  }
  return rows.length;
}

/**
 * Copies the embedded database `source` into the empty PostgreSQL database at `targetUrl`, then
 * verifies the audit chain on the target with `auditKey` and compares row counts table by table.
 * Throws CopyError for what an operator can fix (a non-empty target, a count that differs).
 */
export async function copyDatabase(options: { source: PGlite; targetUrl: string; auditKey: string; log?: (line: string) => void }): Promise<CopyReport> {
  const { source, targetUrl, auditKey } = options;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  await assertSourceCurrent(source);
  await assertEmptyTarget(targetUrl);

  log('Creating the schema on the target (migrations)…');
  let migrationsApplied: string[];
  try {
    migrationsApplied = await applyMigrations({ kind: 'postgresql', url: targetUrl });
  } catch (error) {
    throw new CopyError(`The migrations failed on the target: ${error instanceof Error ? error.message : String(error)}`);
  }

  const shapes = await inDependencyOrder(source, await tableShapes(source));
  const sequences = await withTarget(targetUrl, async (target) => {
    await target.query('BEGIN');
    try {
      // The triggers that guard the application's writes (the append-only audit log, frozen review
      // snapshots) refuse, for instance, items of a closed campaign; a faithful copy of rows that
      // passed them once is not such a write. Foreign keys stay checked. Re-enabled before COMMIT.
      for (const shape of shapes) await target.query(`ALTER TABLE public.${quote(shape.name)} DISABLE TRIGGER USER`);
      for (const shape of shapes) {
        const rowsStarted = Date.now();
        await copyTable(source, target, shape);
        log(`  ${shape.name}: ${await countRows(async (sql) => (await target.query<{ count: string }>(sql)).rows, shape.name)} rows (${Date.now() - rowsStarted} ms)`);
      }
      for (const shape of shapes) await target.query(`ALTER TABLE public.${quote(shape.name)} ENABLE TRIGGER USER`);
      const count = await copySequences(source, target);
      await target.query('COMMIT');
      return count;
    } catch (error) {
      await target.query('ROLLBACK');
      throw new CopyError(`The copy failed and was rolled back (the target holds the empty schema only): ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  const tables: TableCopy[] = [];
  await withTarget(targetUrl, async (target) => {
    for (const shape of shapes) {
      tables.push({
        table: shape.name,
        source: await countRows(async (sql) => (await source.query<{ count: string }>(sql)).rows, shape.name),
        target: await countRows(async (sql) => (await target.query<{ count: string }>(sql)).rows, shape.name),
      });
    }
  });

  const handle = openDatabase({ kind: 'postgresql', url: targetUrl });
  let audit: ChainVerification;
  try {
    audit = await verifyAuditChain(handle.db, { key: auditKey });
  } finally {
    await handle.close();
  }
  return { migrationsApplied, tables, sequences, audit, milliseconds: Date.now() - started };
}

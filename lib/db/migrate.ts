// Applies and writes migrations with Prisma's schema engine compiled to WebAssembly, driven through
// the same driver adapters the app uses. Prisma's CLI needs a native engine that cannot be
// downloaded on offline machines (ENVIRONMENT.md); this runner reads the standard
// prisma/migrations/<name>/migration.sql folders and records them in the standard
// `_prisma_migrations` table, so `prisma migrate deploy` stays compatible where the native engine exists.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SchemaEngine as SchemaEngineType } from '@prisma/schema-engine-wasm';
import { MIGRATIONS_DIR, readMigrations } from './migrations-on-disk';
import { newPGlite } from './pglite';

export { MIGRATIONS_DIR };

export const SCHEMA_FILE = path.resolve(process.cwd(), 'prisma/schema.prisma');
const LOCKFILE = 'migration_lock.toml';

export type MigrationTarget = { kind: 'pglite'; client: PGlite } | { kind: 'postgresql'; url: string };

let glue: typeof import('@prisma/schema-engine-wasm/schema_engine_bg') | undefined;

async function loadSchemaEngine(): Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> {
  if (glue) return glue;
  // Without this registry an engine panic surfaces as "reading 'set_message'" and hides the message.
  (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    set_message(this: { message: string }, message: string) {
      this.message = message;
    },
  };
  const require = createRequire(import.meta.url);
  const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  // The prisma CLI package ships the engine matching its own version; fall back to the package's own.
  const candidates = [
    path.join(path.dirname(require.resolve('prisma/package.json')), 'build/schema_engine_bg.wasm'),
    path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm'),
  ];
  const wasmFile = candidates.find((file) => fs.existsSync(file));
  if (!wasmFile) throw new Error('The Prisma schema engine (schema_engine_bg.wasm) is missing: run npm ci');
  const compiled = await WebAssembly.compile(fs.readFileSync(wasmFile));
  const instance = await WebAssembly.instantiate(compiled, { './schema_engine_bg.js': bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  glue = bindings;
  return bindings;
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

/**
 * @prisma/adapter-pg runs a migration script by splitting it on every ";", which breaks PL/pgSQL
 * bodies (the audit log's append-only trigger) and comments. Send the script whole instead, as
 * the native engine does: PostgreSQL runs a multi-statement simple query as one implicit transaction.
 */
class WholeScriptPgFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;
  private readonly connected: PgAdapter[] = [];
  constructor(private readonly inner: PrismaPg) {
    this.adapterName = inner.adapterName;
  }
  /**
   * Ends the pools the engine opened. The engine takes a session-level advisory lock for migrations
   * and does not release it; a pool left open holds it until its idle connection times out, and the
   * next run (another instance starting, a second migrate) waits for it meanwhile.
   */
  async dispose(): Promise<void> {
    await Promise.all(this.connected.splice(0).map((adapter) => adapter.dispose()));
  }
  private patch(adapter: PgAdapter): PgAdapter {
    this.connected.push(adapter);
    const pool = adapter.underlyingDriver() as { query: (sql: string) => Promise<unknown> };
    adapter.executeScript = async (script: string) => {
      await pool.query(script);
    };
    return adapter;
  }
  async connect(): Promise<PgAdapter> {
    return this.patch(await this.inner.connect());
  }
  async connectToShadowDb(): Promise<PgAdapter> {
    return this.patch(await this.inner.connectToShadowDb());
  }
}

/**
 * pglite-prisma-adapter's shadow database (where the engine replays the migrations to diff them) is
 * a bare PGlite, without the extensions the migrations create (pg_trgm), and is never closed: the
 * shadow is one of ours instead (lib/db/pglite.ts), closed with the engine.
 */
class ShadowWithExtensionsFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;
  private readonly shadows: PGlite[] = [];
  constructor(private readonly inner: PrismaPGlite) {
    this.adapterName = inner.adapterName;
  }
  connect() {
    return this.inner.connect();
  }
  connectToShadowDb() {
    const shadow = newPGlite();
    this.shadows.push(shadow);
    return new PrismaPGlite(shadow).connect();
  }
  async dispose(): Promise<void> {
    await Promise.all(this.shadows.splice(0).map((shadow) => shadow.close()));
  }
}

function adapterFactoryFor(target: MigrationTarget) {
  if (target.kind === 'pglite') {
    const pglite = new ShadowWithExtensionsFactory(new PrismaPGlite(target.client));
    return { factory: bindMigrationAwareSqlAdapterFactory(pglite), dispose: () => pglite.dispose() };
  }
  const pg = new WholeScriptPgFactory(new PrismaPg({ connectionString: target.url }));
  return { factory: bindMigrationAwareSqlAdapterFactory(pg), dispose: () => pg.dispose() };
}

async function withEngine<T>(
  target: MigrationTarget,
  schemaText: string,
  run: (engine: SchemaEngineType) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngine();
  const logs: string[] = [];
  const adapter = adapterFactoryFor(target);
  const engine = (await SchemaEngine.new(
    { datamodels: [['schema.prisma', schemaText]] },
    (line: string) => logs.push(line),
    adapter.factory,
  )) as SchemaEngineType;
  try {
    return await run(engine);
  } catch (error) {
    const panic = (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { message: string } }).PRISMA_WASM_PANIC_REGISTRY;
    const detail = panic?.message ? ` (engine panic: ${panic.message})` : '';
    throw new Error(`Migration engine failed: ${error instanceof Error ? error.message : String(error)}${detail}`, {
      cause: error,
    });
  } finally {
    engine.free();
    await adapter.dispose();
  }
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * Whether every migration on disk is recorded as applied, unchanged (Prisma's checksum: the SHA-256
 * of migration.sql), and not rolled back. False when the table is missing or anything differs: the
 * engine then decides, exactly as without this check.
 */
async function everyMigrationApplied(target: MigrationTarget, directory: string): Promise<boolean> {
  const sql = 'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';
  let rows: { migration_name: string; checksum: string }[];
  try {
    if (target.kind === 'pglite') {
      rows = (await target.client.query<{ migration_name: string; checksum: string }>(sql)).rows;
    } else {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        rows = (await client.query<{ migration_name: string; checksum: string }>(sql)).rows;
      } finally {
        await client.end();
      }
    }
  } catch {
    return false;
  }
  const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  return readMigrations(directory).every(
    (migration) => applied.get(migration.name) === createHash('sha256').update(migration.sql).digest('hex'),
  );
}

/** Applies every migration not yet applied. Returns the names applied now (none the second time). */
export async function applyMigrations(target: MigrationTarget, directory = MIGRATIONS_DIR): Promise<string[]> {
  // Every start checks for pending migrations. Loading the schema engine (WebAssembly) costs ~0.5 s
  // and ~70 MB that stay resident, so a database already up to date is answered without it.
  if (await everyMigrationApplied(target, directory)) return [];
  const schemaText = fs.readFileSync(SCHEMA_FILE, 'utf8');
  const output = await withEngine(target, schemaText, (engine) =>
    engine.applyMigrations({ migrationsList: migrationList(directory), filters: NO_FILTERS }),
  );
  return output.appliedMigrationNames;
}

/** The datasource block alone: the "empty schema" the very first migration is diffed from. */
function datasourceOnly(schemaText: string): string {
  const match = /datasource\s+\w+\s*\{[^}]*\}/.exec(schemaText);
  if (!match) throw new Error('prisma/schema.prisma has no datasource block');
  return match[0];
}

function migrationList(directory: string) {
  const lockfilePath = path.join(directory, LOCKFILE);
  return {
    baseDir: directory,
    shadowDbInitScript: '',
    lockfile: { path: LOCKFILE, content: fs.existsSync(lockfilePath) ? fs.readFileSync(lockfilePath, 'utf8') : null },
    migrationDirectories: readMigrations(directory).map((migration) => ({
      path: migration.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: migration.sql } },
    })),
  };
}

/**
 * SQL that takes a database at the state of the committed migrations to the state `schemaText`
 * describes: the next migration. The engine replays the migrations on a throw-away in-memory PGlite
 * (its "shadow database"); nothing else is touched.
 */
export async function diffMigrationsToSchema(schemaText: string, directory = MIGRATIONS_DIR): Promise<string> {
  const scratch = newPGlite();
  try {
    const list = migrationList(directory);
    const from =
      list.migrationDirectories.length > 0
        ? { tag: 'migrations' as const, ...list }
        : // The very first migration starts from a schema holding only the datasource block (an
          // empty file list makes the engine panic).
          { tag: 'schemaDatamodel' as const, files: [{ path: 'schema.prisma', content: datasourceOnly(schemaText) }] };
    const result = await withEngine({ kind: 'pglite', client: scratch }, schemaText, (engine) =>
      engine.diff({
        from,
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schemaText }] },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      }),
    );
    return result.stdout ?? '';
  } finally {
    await scratch.close();
  }
}

export function isEmptyMigration(sql: string): boolean {
  return sql.trim() === '' || sql.includes('This is an empty migration');
}

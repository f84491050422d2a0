// SECURITY.md L4 on a real PostgreSQL server: migrations run as the owner role
// (KEYWARDEN_MIGRATION_DATABASE_URL), the server as a role that owns nothing and may only INSERT and
// SELECT audit rows — so even a compromised server cannot rewrite the audit log or drop its trigger.
// Roles are cluster-wide: both get random names and are dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit/record';
import { parseConfig, type Config } from '@/lib/config';
import { openDatabase, type DatabaseHandle } from '@/lib/db/client';
import { grantRuntimePrivileges, LeastPrivilegeError } from '@/lib/db/privileges';
import { migrateConfiguredDatabase } from '@/lib/db/startup';
import { startJobQueue } from '@/lib/jobs/queue';

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: this test needs a disposable PostgreSQL server (npm test starts one)');
  return url;
}

function urlFor(user: string, password: string, database: string): string {
  const url = new URL(serverUrl());
  url.username = user;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const suffix = randomBytes(5).toString('hex');
const OWNER = `keywarden_owner_${suffix}`;
const RUNTIME = `keywarden_runtime_${suffix}`;
const DATABASE = `keywarden_least_privilege_${suffix}`;
const OWNER_PASSWORD = randomBytes(18).toString('base64url');
const RUNTIME_PASSWORD = randomBytes(18).toString('base64url');
const ownerUrl = urlFor(OWNER, OWNER_PASSWORD, DATABASE);
const runtimeUrl = urlFor(RUNTIME, RUNTIME_PASSWORD, DATABASE);

let config: Config;
let runtime: DatabaseHandle;

beforeAll(async () => {
  await withClient(serverUrl(), async (admin) => {
    // The set-up README.md ("Running on PostgreSQL") documents: two login roles, the owner owns the database.
    await admin.query(`CREATE ROLE ${OWNER} LOGIN PASSWORD '${OWNER_PASSWORD}'`);
    await admin.query(`CREATE ROLE ${RUNTIME} LOGIN PASSWORD '${RUNTIME_PASSWORD}'`);
    await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${OWNER}`);
  });
  config = parseConfig({ DATABASE_URL: runtimeUrl, KEYWARDEN_MIGRATION_DATABASE_URL: ownerUrl, KEYWARDEN_DATA_DIR: '/nonexistent' });
  await migrateConfiguredDatabase(config);
  runtime = openDatabase(config.database);
});

afterAll(async () => {
  await runtime?.close();
  await withClient(serverUrl(), async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${RUNTIME}`);
    await admin.query(`DROP ROLE IF EXISTS ${OWNER}`);
  });
});

describe('least privilege on PostgreSQL (SECURITY.md L4)', () => {
  it('reads the migration URL from KEYWARDEN_MIGRATION_DATABASE_URL', () => {
    expect(config.database).toEqual({ kind: 'postgresql', url: runtimeUrl, migrationUrl: ownerUrl });
  });

  it('migrates as the owner: every table belongs to the owner, none to the runtime role', async () => {
    const owners = await withClient(ownerUrl, (owner) =>
      owner.query<{ relname: string; owner: string }>(
        `SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'S', 'v', 'm', 'p')`,
      ),
    );
    expect(owners.rows.map((row) => row.relname)).toEqual(expect.arrayContaining(['audit_events', 'users', '_prisma_migrations']));
    expect(new Set(owners.rows.map((row) => row.owner))).toEqual(new Set([OWNER]));
  });

  it('creates pg_trgm as the owner (a trusted extension needs no superuser), and the runtime role writes and searches the tables it indexes', async () => {
    const extension = await withClient(ownerUrl, (owner) =>
      owner.query<{ owner: string }>(`SELECT pg_get_userbyid(extowner) AS owner FROM pg_extension WHERE extname = 'pg_trgm'`),
    );
    expect(extension.rows).toEqual([{ owner: OWNER }]);
    const project = `trgm-${suffix}`;
    await runtime.db.project.create({ data: { id: project, title: 'Least Privilege Shop' } });
    const found = await runtime.db.$queryRaw<{ id: string }[]>`SELECT id FROM projects WHERE title ILIKE ${'%privilege sh%'}`;
    expect(found.map((row) => row.id)).toEqual([project]);
    await runtime.db.project.delete({ where: { id: project } });
  });

  it('lets the runtime role use the app: create a user, record and read audit rows, read the migrations', async () => {
    const user = await runtime.db.user.create({ data: { email: `least-privilege-${suffix}@example.com`, role: 'reviewer' } });
    await runtime.db.user.update({ where: { id: user.id }, data: { name: 'Renamed' } });
    await recordAudit(runtime.db, { actor: null, action: 'user.invite', target: { type: 'user', id: user.id }, outcome: 'succeeded' });
    expect(await runtime.db.auditEvent.count({ where: { targetId: user.id } })).toBe(1);
    const applied = await runtime.db.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM _prisma_migrations`;
    expect(applied.length).toBeGreaterThan(0);
    await runtime.db.user.delete({ where: { id: user.id } });
  });

  it('refuses the runtime role UPDATE, DELETE and TRUNCATE on audit_events, and any change to its trigger', async () => {
    await withClient(runtimeUrl, async (client) => {
      await client.query(`INSERT INTO audit_events (action, outcome) VALUES ('user.invite', 'succeeded')`);
      const before = await client.query<{ count: string }>('SELECT count(*) FROM audit_events');
      const refusals = [
        `UPDATE audit_events SET outcome = 'failed'`,
        'DELETE FROM audit_events',
        'TRUNCATE audit_events',
        'DROP TRIGGER audit_events_append_only ON audit_events',
        'DROP TRIGGER audit_events_no_truncate ON audit_events',
        'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
        'ALTER TABLE audit_events DISABLE TRIGGER ALL',
        'DROP FUNCTION keywarden_audit_events_append_only() CASCADE',
        'DROP TABLE audit_events',
        `ALTER TABLE audit_events OWNER TO ${RUNTIME}`,
        `INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'x', 'x')`,
      ];
      for (const statement of refusals) {
        // "permission denied" (a privilege) or "must be owner" (DDL): never the trigger's own refusal.
        await expect(client.query(statement), statement).rejects.toThrow(/permission denied|must be (the )?owner/);
      }
      const after = await client.query<{ count: string }>('SELECT count(*) FROM audit_events');
      expect(after.rows[0]?.count).toBe(before.rows[0]?.count);
      const triggers = await client.query<{ tgname: string; tgenabled: string }>(
        `SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass ORDER BY tgname`,
      );
      expect(triggers.rows).toEqual([
        { tgname: 'audit_events_append_only', tgenabled: 'O' },
        { tgname: 'audit_events_no_truncate', tgenabled: 'O' },
      ]);
    });
  });

  it('covers tables a later migration creates, and a second run applies nothing and keeps the grants', async () => {
    await withClient(ownerUrl, (owner) => owner.query('CREATE TABLE later_table (id serial PRIMARY KEY, note text)'));
    await withClient(runtimeUrl, async (client) => {
      await client.query(`INSERT INTO later_table (note) VALUES ('default privileges')`);
      expect((await client.query('SELECT note FROM later_table')).rows).toEqual([{ note: 'default privileges' }]);
    });
    await migrateConfiguredDatabase(config);
    await withClient(runtimeUrl, (client) => expect(client.query('DELETE FROM audit_events')).rejects.toThrow(/permission denied/));
  });

  it('runs the job queue as the runtime role: jobs sent, worked and completed, its schema owned by the owner and never altered', async () => {
    const owners = await withClient(ownerUrl, (owner) =>
      owner.query<{ owner: string }>(
        `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pgboss'`,
      ),
    );
    expect(owners.rows).toEqual([{ owner: OWNER }]);
    const queue = await startJobQueue({ database: runtime, connectionString: runtimeUrl, handlers: { 'findings-recompute': async () => undefined }, pollingIntervalSeconds: 0.5 });
    try {
      const jobId = await queue.boss.send('findings-recompute', {});
      expect(jobId).toBeTruthy();
      await expect.poll(async () => (await queue.boss.getJobById('findings-recompute', jobId!))?.state, { timeout: 20_000 }).toBe('completed');
    } finally {
      await queue.stop();
    }
    await withClient(runtimeUrl, async (client) => {
      for (const statement of [`SELECT pgboss.create_queue('made-at-runtime', '{}'::json)`, 'DROP TABLE pgboss.job', 'CREATE TABLE pgboss.extra (id int)']) {
        await expect(client.query(statement), statement).rejects.toThrow(/permission denied|must be (the )?owner/);
      }
    });
  });

  it('refuses a superuser as the runtime role: it could drop the trigger whatever is granted', async () => {
    const superuserUrl = new URL(serverUrl());
    superuserUrl.pathname = `/${DATABASE}`;
    await expect(grantRuntimePrivileges({ ownerUrl, runtimeUrl: superuserUrl.toString() })).rejects.toThrow(LeastPrivilegeError);
  });

  it('starts as the runtime role alone once the owner has migrated (npm run db:migrate run separately)', async () => {
    expect(await migrateConfiguredDatabase(parseConfig({ DATABASE_URL: runtimeUrl, KEYWARDEN_DATA_DIR: '/nonexistent' }))).toEqual([]);
  });
});

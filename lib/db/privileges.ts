// Least privilege on PostgreSQL (SECURITY.md L4). The owner role applies the migrations and owns
// every table, function and trigger; the server connects as a runtime role that owns nothing, so it
// cannot drop, alter or disable the audit log's append-only trigger (only an owner can), and that
// may only INSERT and SELECT audit rows. The migration runner grants these privileges after every
// run, as the owner: idempotent, so new tables are covered and a stray manual GRANT is taken back.
import pg from 'pg';

/** Tables whose rows the server may add and read, never change or remove. */
export const APPEND_ONLY_TABLES = ['audit_events', 'audit_chain_checkpoints'] as const;
/** The migration runner's bookkeeping: the server reads it (health check), never writes it. */
const READ_ONLY_TABLES = ['_prisma_migrations'] as const;
/**
 * The job queue's own schema (pg-boss; created by a migration, owned by the owner role). The server
 * reads and writes its rows — sending, fetching and completing jobs — and runs no DDL in it: the
 * queues' partitions are created by migrations too.
 */
export const QUEUE_SCHEMA = 'pgboss';

export class LeastPrivilegeError extends Error {
  constructor(message: string) {
    super(`Least-privilege set-up refused: ${message}`);
    this.name = 'LeastPrivilegeError';
  }
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

/** The role a URL logs in as, as the server sees it (a URL without a user name still has one). */
async function roleOf(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const result = await client.query<{ role: string }>('SELECT current_user AS role');
    const role = result.rows[0]?.role;
    if (!role) throw new Error('PostgreSQL did not name the connected role');
    return role;
  });
}

export type RuntimeGrant = { kind: 'same-role' } | { kind: 'granted'; runtimeRole: string; schema: string };

/**
 * Grants `runtimeUrl`'s role what the server needs in the owner's current schema, and no more.
 * Nothing to do when both URLs log in as the same role (the single-role set-up of before).
 */
export async function grantRuntimePrivileges(urls: { ownerUrl: string; runtimeUrl: string }): Promise<RuntimeGrant> {
  const runtimeRole = await roleOf(urls.runtimeUrl);
  return withClient(urls.ownerUrl, async (owner) => {
    const context = await owner.query<{ owner: string; schema: string; is_superuser: boolean; is_owner_member: boolean }>(
      `SELECT current_user AS owner, current_schema() AS schema,
              (SELECT rolsuper FROM pg_roles WHERE rolname = $1) AS is_superuser,
              pg_has_role($1, current_user, 'MEMBER') AS is_owner_member`,
      [runtimeRole],
    );
    const { owner: ownerRole, schema, is_superuser: isSuperuser, is_owner_member: isOwnerMember } = context.rows[0] ?? {};
    if (!ownerRole || !schema) throw new Error('PostgreSQL did not name the owner role or its schema');
    if (ownerRole === runtimeRole) return { kind: 'same-role' };
    if (isSuperuser) {
      throw new LeastPrivilegeError(`DATABASE_URL logs in as ${runtimeRole}, a superuser, who may drop the audit trigger; use a role without SUPERUSER`);
    }
    if (isOwnerMember) {
      throw new LeastPrivilegeError(`DATABASE_URL logs in as ${runtimeRole}, a member of the owner role ${ownerRole}, who may act as the owner; REVOKE ${ownerRole} FROM ${runtimeRole}`);
    }
    // An owner may drop or disable any trigger on what it owns: the runtime role must own nothing.
    const owned = await owner.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND pg_get_userbyid(c.relowner) = $2
       UNION ALL
       SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) = $2
       ORDER BY 1`,
      [schema, runtimeRole],
    );
    if (owned.rows.length > 0) {
      const names = owned.rows.map((row) => row.name).join(', ');
      throw new LeastPrivilegeError(
        `${runtimeRole} (DATABASE_URL) owns ${names} in schema ${schema}; make the migration role their owner ` +
          `(REASSIGN OWNED BY ${runtimeRole} TO ${ownerRole}, as a superuser) and start again`,
      );
    }

    const role = owner.escapeIdentifier(runtimeRole);
    const inSchema = owner.escapeIdentifier(schema);
    const table = (name: string) => `${inSchema}.${owner.escapeIdentifier(name)}`;
    const queue = owner.escapeIdentifier(QUEUE_SCHEMA);
    const statements = [
      `GRANT USAGE ON SCHEMA ${inSchema} TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${inSchema} TO ${role}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${inSchema} TO ${role}`,
      // Tables the owner creates later (the next migrations) get the same, until the grant above
      // runs again right after them.
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${inSchema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${inSchema} GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
      ...APPEND_ONLY_TABLES.map((name) => `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ${table(name)} FROM ${role}`),
      ...READ_ONLY_TABLES.map((name) => `REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ${table(name)} FROM ${role}`),
      `GRANT USAGE ON SCHEMA ${queue} TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${queue} TO ${role}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${queue} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    ];
    await owner.query('BEGIN');
    try {
      for (const statement of statements) await owner.query(statement);
      await owner.query('COMMIT');
    } catch (error) {
      await owner.query('ROLLBACK');
      throw error;
    }
    return { kind: 'granted', runtimeRole, schema };
  });
}

// How the job queue (pg-boss, schema `pgboss`) reaches the database, on PGlite and PostgreSQL alike.
//
// pg-boss speaks to the database through one function, `executeSql(text, values)`. On PostgreSQL
// it opens its own small pool to DATABASE_URL (the library's normal mode, with LISTEN-free polling
// and SKIP LOCKED fetches between instances). On the embedded PGlite there is one connection, which
// Prisma's adapter shares: an interactive Prisma transaction holds PGlite's transaction mutex from
// its BEGIN to its COMMIT (pglite-prisma-adapter runs it in `pglite.transaction()`), and
// `pglite.query()`/`exec()` wait for that same mutex. So a queue statement sent through the PGlite
// instance can never run inside an open Prisma transaction, and a Prisma statement never inside a
// queue statement; pg-boss's own multi-statement maintenance scripts (BEGIN … COMMIT) are run in
// `pglite.transaction()` so that a failure rolls them back before the mutex is released
// (lib/jobs/queue.int.test.ts proves both under concurrency).
//
// Jobs that must be enqueued together with a row (a "Sync now" and its sync run) go through the
// same transaction as that row: `inTransaction(tx)` hands pg-boss the Prisma transaction, so the
// job exists exactly when the mutation committed. Never call a started queue (the PGlite executor)
// from inside a Prisma transaction: on PGlite it would wait for the transaction that waits for it.
import type { PGlite } from '@electric-sql/pglite';
import PgBoss from 'pg-boss';
import type { Prisma } from './index';

export { QUEUE_SCHEMA } from './privileges';

export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A script pg-boss wraps in its own transaction (maintenance, its migrations): the body alone. */
function transactionBody(text: string): string | null {
  const match = /^\s*BEGIN;([\s\S]*)COMMIT;\s*$/.exec(text);
  return match ? match[1]! : null;
}

/** pg-boss's executor on the embedded database: every statement takes PGlite's transaction mutex. */
export function pgliteExecutor(pglite: PGlite): SqlExecutor {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) {
        const result = await pglite.query(text, values);
        return { rows: result.rows };
      }
      const body = transactionBody(text);
      const results = body === null ? await pglite.exec(text) : await pglite.transaction((tx) => tx.exec(body));
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
}

type RawQueryable = Pick<Prisma.TransactionClient, '$queryRawUnsafe'>;

/** pg-boss's executor over an open Prisma transaction: its statements commit or roll back with it. */
export function inTransaction(tx: RawQueryable): SqlExecutor {
  return {
    async executeSql(text, values = []) {
      // node-postgres sends objects as JSON; Prisma's raw parameters need the text.
      const parameters = values.map((value) => (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) ? JSON.stringify(value) : value));
      return { rows: await tx.$queryRawUnsafe<unknown[]>(text, ...parameters) };
    },
  };
}

let statements: PgBoss | undefined;

/**
 * A queue client that is never started: it only holds pg-boss's statements, for calls that pass
 * their own executor (`{ db: inTransaction(tx) }`) — sending or retrying a job inside a mutation.
 */
export function queueStatements(): PgBoss {
  statements ??= new PgBoss({ db: { executeSql: () => Promise.reject(new Error('pass { db } to every call of queueStatements()')) } });
  return statements;
}

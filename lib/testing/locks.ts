// Makes a race deterministic on a PostgreSQL server: another session holds a table lock that stops
// the racing transactions at their first write to that table; once all of them are waiting on a
// lock, it lets them go at the same moment. (PGlite runs one transaction at a time: no races there.)
import pg from 'pg';

export interface HeldTableLock {
  /** Resolves once `count` sessions of this database wait on a lock (this one or any other). */
  waitUntilBlocked: (count: number, timeoutMs?: number) => Promise<void>;
  /** Lets the waiting transactions go on. Safe to call twice. */
  release: () => Promise<void>;
}

export async function holdTableLock(url: string, table: string): Promise<HeldTableLock> {
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  await holder.query('BEGIN');
  // SHARE lets the racers read the table but stops any INSERT, UPDATE or DELETE on it.
  await holder.query(`LOCK TABLE "${table.replaceAll('"', '""')}" IN SHARE MODE`);
  // Watched from a session of its own: inside the holder's transaction, pg_stat_activity would
  // keep showing the snapshot taken at its first read.
  const observer = new pg.Client({ connectionString: url });
  await observer.connect();
  let released = false;
  return {
    async waitUntilBlocked(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await observer.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        const waiting = rows[0]?.waiting ?? 0;
        if (waiting >= count) return;
        if (Date.now() > deadline) throw new Error(`${waiting} session(s) waiting on a lock after ${timeoutMs} ms; expected ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async release() {
      if (released) return;
      released = true;
      await holder.query('COMMIT');
      await Promise.all([holder.end(), observer.end()]);
    },
  };
}

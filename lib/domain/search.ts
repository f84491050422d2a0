// The lists' text searches (`ILIKE '%…%'`, case-insensitive, the person's `%` and `_` taken
// literally) over a related table, as a list of ids. A search written as one OR across joined tables
// cannot use an index: the database joins every row and tests each field (issue 19: the Tokens
// search read all 5,000 active tokens with their machine users and projects, twice). Asked here one
// table at a time, each condition is served by that table's trigram index (pg_trgm), and the list's
// own query matches the ids by a plain index: same rows, found instead of scanned.
import { getDb, Prisma } from '@/lib/db';
import { escapeLike } from '@/lib/db/like';

/**
 * Past this many matches the search is so broad that no index helps, and a list of ids this long
 * would be a query parameter each: the caller then searches through the relation instead (the same
 * rows, by a join).
 */
export const SEARCH_ID_LIMIT = 10_000;
let idLimit = SEARCH_ID_LIMIT;

/** Tests check that both ways (ids, or the relation past the limit) find the same rows. */
export function useSearchIdLimitForTests(limit: number = SEARCH_ID_LIMIT): void {
  idLimit = limit;
}

/** The pattern for `ILIKE`: `q` anywhere, its `%`, `_` and `\` literal. */
export function containsPattern(q: string): string {
  return `%${escapeLike(q)}%`;
}

async function idsOrNull(query: Prisma.Sql): Promise<string[] | null> {
  const rows = await getDb().$queryRaw<{ id: string }[]>(Prisma.sql`${query} LIMIT ${idLimit + 1}`);
  return rows.length > idLimit ? null : rows.map((row) => row.id);
}

/**
 * The machine users whose address, or whose project's title, contains `q` (their ids; null when more
 * than the limit match). Two indexed look-ups: the addresses, then the titles and their
 * projects' machine users.
 */
export function machineUserIdsMatching(q: string): Promise<string[] | null> {
  const pattern = containsPattern(q);
  return idsOrNull(Prisma.sql`
    SELECT m.id::text AS id FROM machine_users m WHERE m.email ILIKE ${pattern}
    UNION
    SELECT m.id::text FROM machine_users m WHERE m.project_id IN (SELECT p.id FROM projects p WHERE p.title ILIKE ${pattern})`);
}

/** The projects whose title contains `q` (null when more than the limit match). */
export function projectIdsByTitle(q: string): Promise<string[] | null> {
  return idsOrNull(Prisma.sql`SELECT p.id FROM projects p WHERE p.title ILIKE ${containsPattern(q)}`);
}

/** The people (Keywarden users) whose address or name contains `q` (null when more than the limit match). */
export function userIdsMatching(q: string): Promise<string[] | null> {
  const pattern = containsPattern(q);
  return idsOrNull(Prisma.sql`SELECT u.id::text AS id FROM users u WHERE u.email ILIKE ${pattern} OR u.name ILIKE ${pattern}`);
}

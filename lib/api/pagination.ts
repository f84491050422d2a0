// Pagination of the REST API's lists: `limit` (1–100, default 25) and an opaque `cursor` from the
// previous page's `next_cursor`. The domain's lists are paginated in SQL by page; the cursor carries
// the page and the limit it was made for, so that a changed limit cannot skip or repeat rows.
import { z } from 'zod';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

export const paginationQuery = {
  cursor: z.string().max(200).optional().meta({ description: 'The `next_cursor` of the previous page.' }),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional().meta({ description: `Items per page (1–${MAX_LIMIT}, default ${DEFAULT_LIMIT}).` }),
};

const cursorSchema = z.strictObject({ p: z.int().min(1).max(1_000_000), l: z.int().min(1).max(MAX_LIMIT) });

export function encodeCursor(page: number, limit: number): string {
  return Buffer.from(JSON.stringify({ p: page, l: limit }), 'utf8').toString('base64url');
}

/** The page and limit to read, or an error message. */
export function pageOf(query: { cursor?: string; limit?: number }): { page: number; limit: number } | { error: string } {
  if (query.cursor === undefined) return { page: 1, limit: query.limit ?? DEFAULT_LIMIT };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
  } catch {
    return { error: 'The cursor is not one this API gave out.' };
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) return { error: 'The cursor is not one this API gave out.' };
  if (query.limit !== undefined && query.limit !== parsed.data.l) return { error: 'Keep the limit of the first page when following a cursor.' };
  return { page: parsed.data.p, limit: parsed.data.l };
}

export function nextCursor(page: number, limit: number, total: number): string | null {
  return page * limit < total ? encodeCursor(page + 1, limit) : null;
}

/** A list response: the items, the total that matched, and the next page's cursor (null: last page). */
export function listSchema<Item extends z.ZodType>(item: Item, id: string) {
  return z
    .object({
      data: z.array(item),
      total: z.int().min(0),
      next_cursor: z.string().nullable(),
    })
    .meta({ id });
}

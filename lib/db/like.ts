/**
 * Prisma hands `contains` to LIKE/ILIKE without escaping (prisma/prisma#19506): without this, "%" or
 * "_" typed in a search would match anything. PostgreSQL's default LIKE escape is the backslash.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

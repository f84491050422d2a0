// Names on audit rows (issue 15 §6): an id alone does not tell a reader what was touched, and the
// object may be renamed or gone by the time the log is read. The writer looks up what a person
// calls the target — as it is at that moment — and keeps it in `details` (`targetName`, and
// `tokenLabel` "name …last four" for a row about a token), so each call site passes ids only.
import type { Prisma } from '@/lib/db';
import { isUuid } from '@/lib/utils';

type NameReader = Pick<Prisma.TransactionClient, 'machineUser' | 'project' | 'user' | 'apiToken'>;

async function targetName(db: NameReader, target: { type: string; id?: string | null; name?: string | null }): Promise<string | null> {
  if (target.name) return target.name;
  const id = target.id;
  if (!id) return null;
  switch (target.type) {
    case 'machine_user':
      return isUuid(id) ? ((await db.machineUser.findUnique({ where: { id }, select: { email: true } }))?.email ?? null) : null;
    case 'project':
      return (await db.project.findUnique({ where: { id }, select: { title: true } }))?.title ?? null;
    case 'user':
      // Some rows name a user by the address typed (an invitation, a sign-in attempt).
      if (!isUuid(id)) return id.includes('@') ? id : null;
      return (await db.user.findUnique({ where: { id }, select: { email: true } }))?.email ?? null;
    case 'token':
      return isUuid(id) ? tokenLabel(db, id) : null;
    default:
      return null;
  }
}

async function tokenLabel(db: NameReader, id: string): Promise<string | null> {
  const token = await db.apiToken.findUnique({ where: { id }, select: { name: true, lastFour: true } });
  return token ? `${token.name} …${token.lastFour}` : null;
}

function isPlainObject(value: unknown): value is Record<string, Prisma.InputJsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `details` with the target's name and the token's label added (unchanged when neither is known). */
export async function namesFor(
  db: NameReader,
  target: { type: string; id?: string | null; name?: string | null } | undefined,
  details: Prisma.InputJsonValue | undefined,
): Promise<Prisma.InputJsonValue | undefined> {
  if (details !== undefined && !isPlainObject(details)) return details;
  const name = target ? await targetName(db, target) : null;
  const tokenId = details?.tokenId;
  const label = typeof tokenId === 'string' && isUuid(tokenId) && details?.tokenLabel === undefined ? await tokenLabel(db, tokenId) : null;
  if (!name && !label) return details;
  return { ...details, ...(name ? { targetName: name } : {}), ...(label ? { tokenLabel: label } : {}) };
}

// The policy in force, as the rules read it: the stored row (organisation_policy, id 1), every
// missing or invalid value at its default. Its own module: the engine and the Policy page's use
// cases both read it, and neither imports the other's module for it.
import type { Database, Prisma } from '@/lib/db';
import { parsePolicy, POLICY_DEFAULTS, type Policy } from '@/lib/validations/policy';

export async function readPolicy(db: Pick<Prisma.TransactionClient, 'organisationPolicy'> | Database): Promise<Policy> {
  const row = await db.organisationPolicy.findUnique({ where: { id: 1 } });
  return row ? parsePolicy(row.values) : { ...POLICY_DEFAULTS };
}

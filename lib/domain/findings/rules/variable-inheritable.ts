// A CLI token variable that is inheritable: every child environment (development branches made from
// it included) gets the token too.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';
import { tokenVariablesWhere, variableHit } from './sql';

export const variableInheritable: FindingRule = {
  id: 'variable.inheritable',
  severity: 'high',
  title: 'Token variable is inheritable',
  reason: 'An inheritable variable reaches every child environment, including branches anyone with push access can create: the token travels far beyond where its job runs.',
  fix: 'Set the token on the environments that need it, not inheritable — push it with Keywarden, which replaces the variable with a non-inheritable one.',
  policyKeys: [],
  async find(db) {
    return (await tokenVariablesWhere(db, Prisma.sql`v.is_inheritable`)).map((row) => variableHit(row, { inheritedBy: row.inherited_by }));
  },
};

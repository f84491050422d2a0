// A CLI token variable that is not sensitive: its value can be read back through the API and the
// Console by anyone with access to the project's variables.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';
import { tokenVariablesWhere, variableHit } from './sql';

export const variableNotSensitive: FindingRule = {
  id: 'variable.not_sensitive',
  severity: 'critical',
  title: 'Token variable not sensitive',
  reason: 'A variable that is not sensitive can be read back in full by anyone who can see the project’s variables: the token is exposed.',
  fix: 'Treat the token as leaked: mark it compromised (or rotate it), and make sure the new variable is sensitive — Keywarden’s pushes always are.',
  policyKeys: [],
  async find(db) {
    return (await tokenVariablesWhere(db, Prisma.sql`NOT v.is_sensitive`)).map((row) => variableHit(row, {}));
  },
};

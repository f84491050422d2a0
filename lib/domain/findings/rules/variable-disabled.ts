// A disabled CLI token variable: nothing uses it, but the token in it still works.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';
import { tokenVariablesWhere, variableHit } from './sql';

export const variableDisabled: FindingRule = {
  id: 'variable.disabled',
  severity: 'low',
  title: 'Token variable disabled',
  reason: 'A disabled variable is a leftover: its token is not used there, yet it still works for anyone who can read it.',
  fix: 'Delete the variable; if its token is used nowhere else, revoke the token.',
  policyKeys: [],
  async find(db) {
    return (await tokenVariablesWhere(db, Prisma.sql`NOT v.is_enabled`)).map((row) => variableHit(row, {}));
  },
};

// A CLI token variable at project level: it reaches every environment of the project, including
// every development branch.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';
import { tokenVariablesWhere, variableHit } from './sql';

export const variableProjectLevel: FindingRule = {
  id: 'variable.project_level',
  severity: 'high',
  title: 'Token variable at project level',
  reason: 'A project-level variable reaches every environment, development branches included: the token is wherever anyone can push code.',
  fix: 'Delete the project-level variable and push the token with Keywarden to the environments that need it.',
  policyKeys: [],
  async find(db) {
    return (await tokenVariablesWhere(db, Prisma.sql`v.environment_id IS NULL`)).map((row) => variableHit(row, {}));
  },
};

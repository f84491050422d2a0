// A CLI token variable visible at build time without a reason: builds run code from the branch
// (dependencies, build hooks), so a token there is exposed to more code than a runtime-only one.
// Keywarden pushes with build visibility only when the person says the job runs in a build hook.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';
import { tokenVariablesWhere, variableHit } from './sql';

export const variableBuildVisible: FindingRule = {
  id: 'variable.build_visible',
  severity: 'medium',
  title: 'Token visible at build time without need',
  reason: 'Build hooks run the branch’s code and its dependencies: a token visible there is exposed to all of it, and most jobs only need it at runtime (cron).',
  fix: 'Push the token again with Keywarden without “visible at build”, unless the job really runs in the build hook.',
  policyKeys: [],
  async find(db) {
    return (await tokenVariablesWhere(db, Prisma.sql`v.visible_build AND h.visible_build IS DISTINCT FROM TRUE`)).map((row) => variableHit(row, {}));
  },
};

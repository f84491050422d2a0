// The same e-mail address serves machine users on several projects (an address override): one
// account then holds access to all of them, and a token of it reaches them all.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';
import { isLiveMachineUser } from './sql';

export const machineUserSharedAddress: FindingRule = {
  id: 'machine_user.shared_address',
  severity: 'high',
  title: 'Machine user on more than one project',
  reason: ({ productName }) => `One ${productName} account serves several projects: each of its tokens reaches all of them, so a leak on one project exposes the others.`,
  fix: 'Give each project its own machine user with its own address, move the tokens over, then remove the shared account from the other projects.',
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ id: string; project_id: string; email: string; reuse_reason: string | null; projects: string[] }[]>(Prisma.sql`
      WITH shared AS (
        SELECT m.email, array_agg(DISTINCT m.project_id ORDER BY m.project_id) AS projects
        FROM machine_users m WHERE ${isLiveMachineUser('m')}
        GROUP BY m.email HAVING COUNT(DISTINCT m.project_id) > 1
      )
      SELECT m.id, m.project_id, m.email, m.reuse_reason, s.projects
      FROM machine_users m JOIN shared s ON s.email = m.email
      WHERE ${isLiveMachineUser('m')}`);
    return rows.map((row) => ({
      subjectKey: `machine_user:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.id,
      evidence: { email: row.email, projects: row.projects, overrideReason: row.reuse_reason },
    }));
  },
};

// A machine user whose owner can no longer look after it: the owner's account is disabled, or it is
// an onboarder no longer assigned to the project, or a reviewer (who changes nothing).
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';
import { isLiveMachineUser } from './sql';

export const machineUserOwnerUnavailable: FindingRule = {
  id: 'machine_user.owner_unavailable',
  severity: 'medium',
  title: 'Machine user without an available owner',
  reason: 'Nobody is accountable for the machine user: its rotations, reviews and offboarding have nobody to do them.',
  fix: 'Give it an owner who can act on its project (an admin, or an onboarder assigned to it), or remove the machine user.',
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ id: string; project_id: string; email: string; owner_email: string; problem: string }[]>(Prisma.sql`
      SELECT m.id, m.project_id, m.email, u.email AS owner_email,
        CASE
          WHEN u.disabled_at IS NOT NULL THEN 'the owner’s account is disabled'
          WHEN u.role = 'reviewer' THEN 'the owner is a reviewer, who cannot change it'
          ELSE 'the owner is an onboarder no longer assigned to this project'
        END AS problem
      FROM machine_users m JOIN users u ON u.id = m.owner_id
      WHERE ${isLiveMachineUser('m')} AND (
        u.disabled_at IS NOT NULL
        OR u.role = 'reviewer'
        OR (u.role = 'onboarder' AND NOT EXISTS (SELECT 1 FROM project_assignments a WHERE a.user_id = u.id AND a.project_id = m.project_id))
      )`);
    return rows.map((row) => ({
      subjectKey: `machine_user:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.id,
      evidence: { email: row.email, owner: row.owner_email, problem: row.problem },
    }));
  },
};

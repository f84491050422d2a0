// More than one active token for one machine user: one of them is usually a leftover (a rotation
// that was never finished, a token made for a test).
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';

export const machineUserSeveralTokens: FindingRule = {
  id: 'machine_user.several_active_tokens',
  severity: 'medium',
  title: 'More than one active token',
  reason: 'Each machine user needs one token; every extra one is another credential that can leak and that nobody rotates.',
  fix: 'Find where each token is used (the machine user’s page lists their environments); rotate onto one and revoke the others.',
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ machine_user_id: string; project_id: string; email: string; tokens: string[] }[]>(Prisma.sql`
      SELECT m.id AS machine_user_id, m.project_id, m.email, array_agg(t.name || ' (…' || t.last_four || ')' ORDER BY t.recorded_at) AS tokens
      FROM api_tokens t JOIN machine_users m ON m.id = t.machine_user_id
      WHERE t.status = 'active'
      GROUP BY m.id, m.project_id, m.email HAVING COUNT(*) > 1`);
    return rows.map((row) => ({
      subjectKey: `machine_user:${row.machine_user_id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      evidence: { email: row.email, activeTokens: row.tokens },
    }));
  },
};

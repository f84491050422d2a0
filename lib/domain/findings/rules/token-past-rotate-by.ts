// An active token past the rotate-by date chosen when it was recorded.
import { Prisma } from '@/lib/db';
import { daysBetween, iso, type FindingRule } from '../types';

export const tokenPastRotateBy: FindingRule = {
  id: 'token.past_rotate_by',
  severity: 'high',
  title: 'Token past its rotate-by date',
  reason: 'The token was due to be replaced: the longer a credential lives, the more places it may have leaked to.',
  fix: 'Rotate it: create a new token as the machine user, paste it under Rotate on the machine user’s page; Keywarden pushes it and deletes the old one.',
  policyKeys: [],
  async find(db, { now }) {
    const rows = await db.$queryRaw<{ id: string; machine_user_id: string; project_id: string; name: string; last_four: string; rotate_by: Date }[]>(Prisma.sql`
      SELECT t.id, t.machine_user_id, m.project_id, t.name, t.last_four, t.rotate_by
      FROM api_tokens t JOIN machine_users m ON m.id = t.machine_user_id
      WHERE t.status = 'active' AND t.rotate_by < ${now}`);
    return rows.map((row) => ({
      subjectKey: `token:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      tokenId: row.id,
      evidence: { token: `${row.name} (…${row.last_four})`, rotateBy: iso(row.rotate_by), daysOverdue: daysBetween(row.rotate_by, now) },
    }));
  },
};

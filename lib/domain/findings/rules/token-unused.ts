// An active token Platform.sh last saw used more than N days ago (the policy's "unused" period).
// `last_used_at` is what Keywarden last read from the machine user's token list.
import { Prisma } from '@/lib/db';
import { daysBefore, daysBetween, iso, type FindingRule } from '../types';

export const tokenUnused: FindingRule = {
  id: 'token.unused',
  severity: 'medium',
  title: 'Token not used recently',
  reason: 'A credential nobody uses is pure risk: if its job stopped, the token still works for whoever holds a copy.',
  fix: 'Check the cron or job that should use it. If the job is gone, revoke the token (and remove the machine user if nothing else needs it).',
  policyKeys: ['unusedDays'],
  async find(db, { now, policy }) {
    const rows = await db.$queryRaw<{ id: string; machine_user_id: string; project_id: string; name: string; last_four: string; last_used_at: Date; last_used_seen_at: Date | null }[]>(Prisma.sql`
      SELECT t.id, t.machine_user_id, m.project_id, t.name, t.last_four, t.last_used_at, t.last_used_seen_at
      FROM api_tokens t JOIN machine_users m ON m.id = t.machine_user_id
      WHERE t.status = 'active' AND t.last_used_at IS NOT NULL AND t.last_used_at < ${daysBefore(now, policy.unusedDays)}`);
    return rows.map((row) => ({
      subjectKey: `token:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      tokenId: row.id,
      evidence: { token: `${row.name} (…${row.last_four})`, lastUsedAt: iso(row.last_used_at), unusedDays: daysBetween(row.last_used_at, now), readAt: iso(row.last_used_seen_at), policyDays: policy.unusedDays },
    }));
  },
};

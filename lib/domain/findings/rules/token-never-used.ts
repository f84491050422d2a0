// An active token recorded more than M days ago that Platform.sh has never seen used.
import { Prisma } from '@/lib/db';
import { daysBefore, daysBetween, iso, type FindingRule } from '../types';

export const tokenNeverUsed: FindingRule = {
  id: 'token.never_used',
  severity: 'low',
  title: 'Token never used',
  reason: 'The token was recorded but no job has used it: either the job is not set up yet, or the token is not needed.',
  fix: 'Finish the onboarding checklist (deploy the cron that uses it), or revoke the token if it is not needed.',
  policyKeys: ['neverUsedDays'],
  async find(db, { now, policy }) {
    const rows = await db.$queryRaw<{ id: string; machine_user_id: string; project_id: string; name: string; last_four: string; recorded_at: Date; last_used_seen_at: Date | null }[]>(Prisma.sql`
      SELECT t.id, t.machine_user_id, m.project_id, t.name, t.last_four, t.recorded_at, t.last_used_seen_at
      FROM api_tokens t JOIN machine_users m ON m.id = t.machine_user_id
      WHERE t.status = 'active' AND t.last_used_at IS NULL AND t.recorded_at < ${daysBefore(now, policy.neverUsedDays)}`);
    return rows.map((row) => ({
      subjectKey: `token:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      tokenId: row.id,
      evidence: { token: `${row.name} (…${row.last_four})`, recordedAt: iso(row.recorded_at), daysSinceRecorded: daysBetween(row.recorded_at, now), readAt: iso(row.last_used_seen_at), policyDays: policy.neverUsedDays },
    }));
  },
};

// An active token older than the policy's maximum age (since Platform.sh made it, or since it was
// recorded when Platform.sh's date is unknown), whatever its rotate-by date says.
import { Prisma } from '@/lib/db';
import { daysBefore, daysBetween, iso, type FindingRule } from '../types';

export const tokenTooOld: FindingRule = {
  id: 'token.too_old',
  severity: 'medium',
  title: 'Token older than the policy allows',
  reason: 'The organisation’s policy caps how long a token may live; this one has outlived it.',
  fix: 'Rotate it now, and choose a rotate-by date within the policy’s maximum age for the new one.',
  policyKeys: ['rotationMaxAgeDays'],
  async find(db, { now, policy }) {
    const rows = await db.$queryRaw<{ id: string; machine_user_id: string; project_id: string; name: string; last_four: string; created: Date }[]>(Prisma.sql`
      SELECT t.id, t.machine_user_id, m.project_id, t.name, t.last_four, COALESCE(t.remote_created_at, t.recorded_at) AS created
      FROM api_tokens t JOIN machine_users m ON m.id = t.machine_user_id
      WHERE t.status = 'active' AND COALESCE(t.remote_created_at, t.recorded_at) < ${daysBefore(now, policy.rotationMaxAgeDays)}`);
    return rows.map((row) => ({
      subjectKey: `token:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      tokenId: row.id,
      evidence: { token: `${row.name} (…${row.last_four})`, createdAt: iso(row.created), ageDays: daysBetween(row.created, now), maxAgeDays: policy.rotationMaxAgeDays },
    }));
  },
};

// Membership drift (issue 15 §3): a machine user Keywarden believes has access is not in the
// project's user-access list any more (removed outside Keywarden), or one Keywarden removed has
// access again (added back outside Keywarden). Judged only by a sync made after Keywarden's last
// change of it.
import { Prisma } from '@/lib/db';
import { iso, type FindingRule } from '../types';

export const driftMembership: FindingRule = {
  id: 'drift.membership',
  severity: 'high',
  title: 'Access changed outside Keywarden',
  reason: 'Who has access to the project is no longer what Keywarden did: a machine user was removed (its job breaks) or given access again (an account Keywarden retired can act again).',
  fix: 'For a removed machine user, invite it again or remove its record; for one added back, remove its access on Platform.sh (or onboard it again with Keywarden).',
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ id: string; project_id: string; email: string; platformsh_user_id: string; state: string; change: string; synced_at: Date }[]>(Prisma.sql`
      SELECT m.id, m.project_id, m.email, m.platformsh_user_id, m.state::text AS state, p.last_synced_at AS synced_at,
        CASE WHEN m.state = 'removed' THEN 'added' ELSE 'removed' END AS change
      FROM machine_users m JOIN projects p ON p.id = m.project_id
      WHERE m.platformsh_user_id IS NOT NULL AND p.last_synced_at IS NOT NULL AND (
        (m.state IN ('active', 'error') AND p.last_synced_at > COALESCE(m.accepted_at, m.updated_at)
          AND NOT EXISTS (SELECT 1 FROM project_user_access a WHERE a.project_id = m.project_id AND a.user_id = m.platformsh_user_id))
        OR
        (m.state = 'removed' AND p.last_synced_at > COALESCE(m.removed_at, m.updated_at)
          AND EXISTS (SELECT 1 FROM project_user_access a WHERE a.project_id = m.project_id AND a.user_id = m.platformsh_user_id))
      )`);
    return rows.map((row) => ({
      subjectKey: `machine_user:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.id,
      platformshUserId: row.platformsh_user_id,
      evidence: {
        email: row.email,
        keywarden: row.change === 'removed' ? `has access (${row.state})` : 'removed',
        platformsh: row.change === 'removed' ? 'not in the project’s user access' : 'has access again',
        seenBySyncAt: iso(row.synced_at),
      },
    }));
  },
};

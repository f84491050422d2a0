// Role drift (issue 15 §3): the machine user's permissions as Keywarden recorded (approved) them
// differ from what Platform.sh's user-access list says, as the last sync (or Keywarden's own write)
// saw it.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';

export const driftRoles: FindingRule = {
  id: 'drift.roles',
  severity: 'high',
  title: 'Roles changed outside Keywarden',
  reason: 'The machine user’s roles on Platform.sh are not the ones that were approved: someone changed them in the Console or the API.',
  fix: 'Re-apply the approved roles with Change roles on the machine user’s page, or record the new roles there if the change was intended.',
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ id: string; project_id: string; email: string; platformsh_user_id: string; recorded: string[]; live: string[] }[]>(Prisma.sql`
      SELECT m.id, m.project_id, m.email, m.platformsh_user_id, m.permissions AS recorded, a.permissions AS live
      FROM machine_users m
      JOIN project_user_access a ON a.project_id = m.project_id AND a.user_id = m.platformsh_user_id
      WHERE m.state = 'active'
        AND (SELECT array_agg(x ORDER BY x) FROM unnest(m.permissions) AS x) IS DISTINCT FROM (SELECT array_agg(x ORDER BY x) FROM unnest(a.permissions) AS x)`);
    return rows.map((row) => ({
      subjectKey: `machine_user:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.id,
      platformshUserId: row.platformsh_user_id,
      evidence: { email: row.email, keywarden: row.recorded, platformsh: row.live },
    }));
  },
};

// Role drift (issue 15 §3): the machine user's permissions as Keywarden recorded (approved) them
// differ from what Platform.sh's user-access list says, as the last sync (or Keywarden's own write)
// saw it. The record keeps the approved roles (the sync's tracking reports a change, it does not
// adopt it), so both sides stay visible until a person re-applies the approved roles or changes them.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';
import { approvedAtSql } from './approved-at';
import { difference, permissionWords } from './both-sides';

export const driftRoles: FindingRule = {
  id: 'drift.roles',
  severity: 'high',
  title: 'Roles changed outside Keywarden',
  reason: ({ productName }) => `The machine user’s roles on ${productName} are not the ones that were approved: someone changed them in the Console or the API.`,
  fix: 'Re-apply the approved roles (the button here, or on the machine user’s page); if the change was intended, record the new roles with Change roles instead.',
  policyKeys: [],
  async find(db, { vendor }) {
    const rows = await db.$queryRaw<
      { id: string; project_id: string; email: string; platformsh_user_id: string; recorded: string[]; live: string[]; approved_at: Date | null; changed_at: Date | null; synced_at: Date | null }[]
    >(Prisma.sql`
      SELECT m.id, m.project_id, m.email, m.platformsh_user_id, m.permissions AS recorded, a.permissions AS live,
        COALESCE(approval.approved_at, m.accepted_at, m.created_at) AS approved_at, a.remote_updated_at AS changed_at, p.last_synced_at AS synced_at
      FROM machine_users m
      JOIN projects p ON p.id = m.project_id
      JOIN project_user_access a ON a.project_id = m.project_id AND a.user_id = m.platformsh_user_id
      ${approvedAtSql('m')}
      WHERE m.state = 'active'
        AND (SELECT array_agg(x ORDER BY x) FROM unnest(m.permissions) AS x) IS DISTINCT FROM (SELECT array_agg(x ORDER BY x) FROM unnest(a.permissions) AS x)`);
    return rows.map((row) => ({
      subjectKey: `machine_user:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.id,
      platformshUserId: row.platformsh_user_id,
      evidence: {
        email: row.email,
        differences: [difference(vendor, { keywarden: `approved: ${permissionWords(row.recorded)}`, keywardenAt: row.approved_at, platformsh: permissionWords(row.live), platformshAt: row.synced_at })],
        changedOnPlatformshAt: row.changed_at?.toISOString() ?? null,
      },
    }));
  },
};

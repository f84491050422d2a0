// Membership drift (issue 15 §3): who has access to the project is no longer what Keywarden did.
//   removed: a machine user Keywarden gave access is not in the project's user-access list any more;
//   back:    one Keywarden removed has access again;
//   added:   a machine user's account has access to a project where Keywarden never gave it any
//            (someone added it in the Console: the token on one project now reaches another).
// Judged only by a sync made after Keywarden's last change of the record.
import { Prisma } from '@/lib/db';
import type { FindingRule, RuleHit } from '../types';
import { approvedAtSql } from './approved-at';
import { difference, permissionWords } from './both-sides';

type Change = 'removed' | 'back' | 'added';

/** The evidence's `change` when the access was removed: the one kind a re-apply undoes (queries.ts). */
export const ACCESS_REMOVED = 'removed outside Keywarden';

interface Row {
  change: Change;
  machine_user_id: string;
  /** The project where the access differs (for `added`, not the machine user's own). */
  project_id: string;
  own_project_id: string;
  email: string;
  platformsh_user_id: string;
  recorded: string[];
  live: string[] | null;
  approved_at: Date | null;
  removed_at: Date | null;
  synced_at: Date;
}

export const driftMembership: FindingRule = {
  id: 'drift.membership',
  severity: 'high',
  title: 'Access changed outside Keywarden',
  reason: 'Who has access to the project is no longer what Keywarden did: a machine user was removed (its job breaks), given access again after Keywarden removed it, or added to a project Keywarden never gave it (its token now reaches that project too).',
  fix: ({ productName }) => `Removed: re-apply the approved access (the button here, or on the machine user’s page) or remove its record. Added or back: remove that access on ${productName} (project settings → Access), or onboard it there with Keywarden if it is needed.`,
  policyKeys: [],
  async find(db, { vendor }) {
    const rows = await db.$queryRaw<Row[]>(Prisma.sql`
      (SELECT CASE WHEN m.state = 'removed' THEN 'back' ELSE 'removed' END AS change, m.id AS machine_user_id, m.project_id, m.project_id AS own_project_id,
        m.email, m.platformsh_user_id, m.permissions AS recorded, a.permissions AS live,
        COALESCE(approval.approved_at, m.accepted_at, m.created_at) AS approved_at, m.removed_at, p.last_synced_at AS synced_at
      FROM machine_users m
      JOIN projects p ON p.id = m.project_id
      LEFT JOIN project_user_access a ON a.project_id = m.project_id AND a.user_id = m.platformsh_user_id
      ${approvedAtSql('m')}
      WHERE m.platformsh_user_id IS NOT NULL AND p.last_synced_at IS NOT NULL AND (
        (m.state IN ('active', 'error') AND p.last_synced_at > COALESCE(m.accepted_at, m.updated_at) AND a.user_id IS NULL)
        OR
        (m.state = 'removed' AND p.last_synced_at > COALESCE(m.removed_at, m.updated_at) AND a.user_id IS NOT NULL
          -- Onboarded again with the same account: the new record is the one that counts.
          AND NOT EXISTS (SELECT 1 FROM machine_users n WHERE n.project_id = m.project_id AND n.platformsh_user_id = m.platformsh_user_id AND n.state <> 'removed'))
      ))
      UNION ALL
      (SELECT DISTINCT ON (a.project_id, a.user_id) 'added', m.id, a.project_id, m.project_id, m.email, m.platformsh_user_id, m.permissions, a.permissions,
        COALESCE(approval.approved_at, m.accepted_at, m.created_at), m.removed_at, p.last_synced_at
      FROM project_user_access a
      JOIN projects p ON p.id = a.project_id
      JOIN machine_users m ON m.platformsh_user_id = a.user_id
      ${approvedAtSql('m')}
      WHERE p.last_synced_at IS NOT NULL
        -- Keywarden has no record of that account on this project (nor one on its way: an invitation
        -- to the same address, accepted but not linked yet).
        AND NOT EXISTS (
          SELECT 1 FROM machine_users o WHERE o.project_id = a.project_id
            AND (o.platformsh_user_id = a.user_id OR (o.email = m.email AND o.state IN ('invited', 'expired', 'error')))
        )
      -- The account's newest record speaks for it.
      ORDER BY a.project_id, a.user_id, m.created_at DESC)
      ORDER BY 3, 2`);
    return rows.map((row): RuleHit => {
      const live = permissionWords(row.live ?? []);
      const sides =
        row.change === 'removed'
          ? { keywarden: `gave access: ${permissionWords(row.recorded)}`, keywardenAt: row.approved_at, platformsh: 'no access (not in the project’s user access)' }
          : row.change === 'back'
            ? { keywarden: 'removed its access', keywardenAt: row.removed_at, platformsh: `access again: ${live}` }
            : { keywarden: `gave it access to another project only (${row.own_project_id})`, keywardenAt: row.approved_at, platformsh: `access here: ${live}` };
      return {
        subjectKey: row.change === 'added' ? `account:${row.project_id}:${row.platformsh_user_id}` : `machine_user:${row.machine_user_id}`,
        projectId: row.project_id,
        machineUserId: row.machine_user_id,
        platformshUserId: row.platformsh_user_id,
        evidence: {
          email: row.email,
          change: row.change === 'removed' ? ACCESS_REMOVED : row.change === 'back' ? 'given access again outside Keywarden' : 'added to this project outside Keywarden',
          differences: [difference(vendor, { ...sides, platformshAt: row.synced_at })],
        },
      };
    });
  },
};

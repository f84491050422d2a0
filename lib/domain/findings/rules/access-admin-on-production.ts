// A Platform.sh account that is not one of Keywarden's machine users (nor the dashboard's own)
// holding admin on production, where the organisation's policy says none may.
import { Prisma } from '@/lib/db';
import type { FindingRule } from '../types';

export const accessAdminOnProduction: FindingRule = {
  id: 'access.admin_on_production',
  severity: 'high',
  title: 'Other account with admin on production',
  reason: 'The policy says only Keywarden’s machine users may hold admin on production; this account can change production’s settings and variables and delete its backups.',
  fix: ({ productName }) => `Lower the account’s role on production in the ${productName} Console (viewer or contributor), or change the policy if people may be admins there.`,
  policyKeys: ['allowHumanAdminOnProduction'],
  async find(db, { policy }) {
    if (policy.allowHumanAdminOnProduction) return [];
    const rows = await db.$queryRaw<{ project_id: string; user_id: string; permissions: string[]; email: string | null; display_name: string | null }[]>(Prisma.sql`
      SELECT a.project_id, a.user_id, a.permissions, pa.email, pa.display_name
      FROM project_user_access a LEFT JOIN platformsh_accounts pa ON pa.id = a.user_id
      WHERE ('admin' = ANY (a.permissions) OR 'production:admin' = ANY (a.permissions))
        AND NOT EXISTS (SELECT 1 FROM machine_users m WHERE m.project_id = a.project_id AND m.platformsh_user_id = a.user_id AND m.state <> 'removed')
        AND NOT EXISTS (SELECT 1 FROM dashboard_account d WHERE d.user_id = a.user_id)`);
    return rows.map((row) => ({
      subjectKey: `access:${row.project_id}:${row.user_id}`,
      projectId: row.project_id,
      platformshUserId: row.user_id,
      evidence: { account: row.email ?? row.user_id, name: row.display_name, permissions: row.permissions },
    }));
  },
};

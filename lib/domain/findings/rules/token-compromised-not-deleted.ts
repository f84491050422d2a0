// A token marked compromised that is not yet deleted on Platform.sh: it still works.
import { Prisma } from '@/lib/db';
import { iso, type FindingRule } from '../types';

export const tokenCompromisedNotDeleted: FindingRule = {
  id: 'token.compromised_not_deleted',
  severity: 'critical',
  title: 'Compromised token still works',
  reason: ({ productName }) => `The token is believed leaked, and ${productName} still accepts it: whoever holds it can act as the machine user.`,
  fix: ({ productName }) => `Finish revoking it on the machine user’s page: paste another live token of the same machine user, or delete the token in the ${productName} Console as the machine user.`,
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ id: string; machine_user_id: string; project_id: string; name: string; last_four: string; status_changed_at: Date | null }[]>(Prisma.sql`
      SELECT t.id, t.machine_user_id, m.project_id, t.name, t.last_four, t.status_changed_at
      FROM api_tokens t JOIN machine_users m ON m.id = t.machine_user_id
      WHERE t.status = 'compromised' AND t.deleted_on_platform_at IS NULL`);
    return rows.map((row) => ({
      subjectKey: `token:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      tokenId: row.id,
      evidence: { token: `${row.name} (…${row.last_four})`, markedCompromisedAt: iso(row.status_changed_at) },
    }));
  },
};

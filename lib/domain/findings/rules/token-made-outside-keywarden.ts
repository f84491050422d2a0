// A token in a machine user's Platform.sh token list that Keywarden has no record of: made in the
// Console or by another tool, it is rotated and revoked by nobody.
import { Prisma } from '@/lib/db';
import { iso, type FindingRule } from '../types';
import { isLiveMachineUser } from './sql';

export const tokenMadeOutsideKeywarden: FindingRule = {
  id: 'token.made_outside_keywarden',
  severity: 'medium',
  title: 'Token made outside Keywarden',
  reason: 'The machine user has a token Keywarden never recorded: nobody tracks where it is, when it is rotated, or whether it is still needed.',
  fix: ({ productName }) => `Find out where it is used; record it with Keywarden (paste it under Record), or delete it in the ${productName} Console as the machine user.`,
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ machine_user_id: string; project_id: string; email: string; platformsh_token_id: string; name: string; remote_created_at: Date | null; last_used_at: Date | null; seen_at: Date }[]>(Prisma.sql`
      SELECT r.machine_user_id, m.project_id, m.email, r.platformsh_token_id, r.name, r.remote_created_at, r.last_used_at, r.seen_at
      FROM remote_api_tokens r JOIN machine_users m ON m.id = r.machine_user_id
      WHERE ${isLiveMachineUser('m')}
        AND NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.machine_user_id = r.machine_user_id AND t.platformsh_token_id = r.platformsh_token_id)`);
    return rows.map((row) => ({
      subjectKey: `remote_token:${row.machine_user_id}:${row.platformsh_token_id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      evidence: { email: row.email, tokenName: row.name, platformshTokenId: row.platformsh_token_id, createdAt: iso(row.remote_created_at), lastUsedAt: iso(row.last_used_at), listReadAt: iso(row.seen_at) },
    }));
  },
};

// Variable drift (SECURITY.md R7): where Keywarden set a token, the last sync saw the variable gone
// or no longer sensitive, non-inheritable and enabled. The same SQL as the Overview's count.
import { Prisma } from '@/lib/db';
import { driftedTokensSql } from '../../tokens/drift-sql';
import type { FindingRule } from '../types';

export const driftVariable: FindingRule = {
  id: 'drift.variable',
  severity: 'high',
  title: 'Token variable changed outside Keywarden',
  reason: 'Platform.sh no longer holds the variable as Keywarden set it: someone deleted it or changed its flags, so the job may fail or the token may be exposed.',
  fix: 'Open the machine user’s page to see each difference; push the token again (Resume or Rotate) to restore it, or find out who changed it and why.',
  policyKeys: [],
  async find(db) {
    const rows = await db.$queryRaw<{ id: string; machine_user_id: string; project_id: string; name: string; last_four: string }[]>(Prisma.sql`
      SELECT t.id, t.machine_user_id, m.project_id, t.name, t.last_four
      FROM api_tokens t JOIN machine_users m ON m.id = t.machine_user_id
      WHERE t.id IN (${driftedTokensSql(null)})`);
    return rows.map((row) => ({
      subjectKey: `token:${row.id}`,
      projectId: row.project_id,
      machineUserId: row.machine_user_id,
      tokenId: row.id,
      evidence: { token: `${row.name} (…${row.last_four})`, keywarden: 'sensitive, not inheritable, enabled', platformsh: 'gone, or other flags (as the last sync saw it)' },
    }));
  },
};

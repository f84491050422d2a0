// The redeploy a push started failed (issue 20 §2): the environment may be running without the new
// token — or not running at all — while Keywarden's journal says the token is set there. A deletion
// (a revocation, an incident's, an offboarding's) redeploys too, and is followed the same way: when
// its redeploy fails, the running containers may still have the revoked token in their environment.
import { Prisma } from '@/lib/db';
import { iso, type FindingRule } from '../types';

export const redeployFailed: FindingRule = {
  id: 'redeploy.failed',
  severity: 'high',
  title: 'Redeploy failed after a push or a revocation',
  reason: 'Setting or deleting the token redeployed the environment, and the redeploy failed: the environment may still run with the old (or revoked) token, or be down, and a cron that needs the new token will fail.',
  fix: ({ productName }) => `Open the activity log on ${productName} to see why the redeploy failed, fix the cause and redeploy; pushing the token again redeploys too. The finding resolves when a later push or revocation redeploys the environment successfully.`,
  policyKeys: [],
  async find(db) {
    // Per environment, the latest step (a push's or a revocation's) that started a redeploy decides: a later successful one resolves it.
    const rows = await db.$queryRaw<{ id: string; project_id: string; environment_id: string; run_id: string; machine_user_id: string; token_id: string; operation: string | null; activity_ids: string[]; redeploy_state: string | null; redeploy_checked_at: Date | null; updated_at: Date }[]>(Prisma.sql`
      SELECT latest.* FROM (
        SELECT DISTINCT ON (s.project_id, s.environment_id)
          s.id, s.project_id, s.environment_id, s.run_id, r.machine_user_id, r.token_id, s.operation, s.activity_ids, s.redeploy_state, s.redeploy_result, s.redeploy_checked_at, s.updated_at
        FROM push_steps s JOIN push_runs r ON r.id = s.run_id
        WHERE s.status = 'succeeded' AND cardinality(s.activity_ids) > 0
        ORDER BY s.project_id, s.environment_id, s.updated_at DESC
      ) latest
      WHERE latest.redeploy_result = 'failure' OR latest.redeploy_state = 'cancelled'`);
    return rows.map((row) => ({
      subjectKey: `redeploy:${row.project_id}/${row.environment_id}`,
      projectId: row.project_id,
      environmentId: row.environment_id,
      machineUserId: row.machine_user_id,
      tokenId: row.token_id,
      evidence: { pushRunId: row.run_id, operation: row.operation, activities: row.activity_ids, state: row.redeploy_state, tokenSetAt: iso(row.updated_at), checkedAt: iso(row.redeploy_checked_at) },
    }));
  },
};

// Variable drift (SECURITY.md R7): where Keywarden set a token, the last sync saw the variable gone
// or no longer sensitive, non-inheritable and enabled. The same judgement as the Overview's count
// (tokens/drift-sql.ts): each environment's latest succeeded step decides what Keywarden set there,
// and a holding is judged only by a sync made after it. One finding per token, with one difference
// per environment: what Keywarden set (and when its push step ran) against what the sync saw (and when).
import { Prisma } from '@/lib/db';
import type { FindingRule, RuleHit } from '../types';
import { difference, type DriftDifference } from './both-sides';
import { latestStepsSql } from './sql';

/** The flags every push writes (ARCHITECTURE.md flow 2). */
const KEYWARDEN_SETS = 'set: sensitive, not inheritable, enabled';

/** What differs from Keywarden's flags, in words; empty when nothing does. */
export function variableProblems(variable: { is_sensitive: boolean | null; is_inheritable: boolean | null; is_enabled: boolean | null }): string[] {
  if (variable.is_sensitive === null) return ['nothing (the variable is gone)'];
  return [!variable.is_sensitive && 'not sensitive', variable.is_inheritable && 'inheritable', !variable.is_enabled && 'disabled'].filter((problem): problem is string => typeof problem === 'string');
}

export const driftVariable: FindingRule = {
  id: 'drift.variable',
  severity: 'high',
  title: 'Token variable changed outside Keywarden',
  reason: ({ productName }) => `${productName} no longer holds the variable as Keywarden set it: someone deleted it or changed its flags, so the job may fail or the token may be exposed.`,
  fix: 'Re-applying needs the token, which Keywarden never keeps: on the machine user’s page, Rotate (a new token, pushed everywhere) or record the same token again, which pushes it with Keywarden’s flags. Find out who changed it and why.',
  policyKeys: [],
  async find(db, { vendor }) {
    const rows = await db.$queryRaw<
      {
        token_id: string;
        machine_user_id: string;
        project_id: string;
        environment_id: string;
        name: string;
        last_four: string;
        pushed_at: Date;
        synced_at: Date;
        is_sensitive: boolean | null;
        is_inheritable: boolean | null;
        is_enabled: boolean | null;
      }[]
    >(Prisma.sql`
      SELECT h.token_id, t.machine_user_id, h.project_id, h.environment_id, t.name, t.last_four, h.updated_at AS pushed_at, p.last_synced_at AS synced_at,
        v.is_sensitive, v.is_inheritable, v.is_enabled
      FROM (${latestStepsSql}) h
      JOIN projects p ON p.id = h.project_id
      JOIN api_tokens t ON t.id = h.token_id
      LEFT JOIN token_variables v ON v.project_id = h.project_id AND v.environment_id = h.environment_id AND v.name = h.variable_name AND NOT v.inherited
      WHERE h.operation IS DISTINCT FROM 'delete' AND p.last_synced_at > h.updated_at
        AND NOT COALESCE(v.is_sensitive AND NOT v.is_inheritable AND v.is_enabled, FALSE)
      ORDER BY h.token_id, h.environment_id`);
    const hits = new Map<string, RuleHit & { differences: DriftDifference[] }>();
    for (const row of rows) {
      const hit =
        hits.get(row.token_id) ??
        ({
          subjectKey: `token:${row.token_id}`,
          projectId: row.project_id,
          machineUserId: row.machine_user_id,
          tokenId: row.token_id,
          differences: [],
          evidence: { token: `${row.name} (…${row.last_four})` },
        } satisfies RuleHit & { differences: DriftDifference[] });
      hit.differences.push(difference(vendor, { where: row.environment_id, keywarden: KEYWARDEN_SETS, keywardenAt: row.pushed_at, platformsh: variableProblems(row).join(', '), platformshAt: row.synced_at }));
      hits.set(row.token_id, hit);
    }
    return [...hits.values()].map(({ differences, ...hit }) => ({
      ...hit,
      evidence: { ...hit.evidence, environments: differences.map((entry) => entry.where ?? '(project)'), differences: differences.map((entry) => ({ ...entry })) },
    }));
  },
};

// The findings engine (issue 15 §2): runs every rule, then brings the `findings` table in line with
// what they found, in three set-based statements —
//   resolve: an open finding no rule reports any more gets `resolved_at`;
//   refresh: one still reported keeps its row (and first-seen date, and any accepted risk) and gets
//            a new `last_seen_at` and evidence;
//   open:    a subject newly reported gets a new row (first seen now). A finding that resolved and
//            comes back is a new row, so its history can be charted.
// Several app instances may recompute at once (after a sync here, a write there): an advisory lock
// makes them take turns, so each (rule, subject) has at most one open row. Cheap enough to run
// after every sync and every write: one query per rule, three writes in all.
import { getDb, type Database } from '@/lib/db';
import { logger } from '@/lib/logger';
import type { Policy } from '@/lib/validations/policy';
import { readPolicy } from './read-policy';
import { RULES } from './rules';
import type { FindingRule, Queryable, RuleHit, Severity } from './types';
import { configuredVendor } from '@/lib/domain/platformsh-connection';
import type { VendorProfile } from '@/lib/vendor';

/** pg_advisory_xact_lock key of the recomputation (see lib/domain/mutation.ts for the others). */
export const FINDINGS_LOCK = 4801526040;

export interface CurrentFinding extends RuleHit {
  ruleId: string;
  severity: Severity;
}

export interface RecomputeOutcome {
  opened: number;
  resolved: number;
  open: number;
}

/** Every rule's hits under `policy`, one per (rule, subject). */
export async function evaluateRules(db: Queryable, now: Date, policy: Policy, rules: readonly FindingRule[] = RULES, vendor: VendorProfile = configuredVendor()): Promise<CurrentFinding[]> {
  const seen = new Map<string, CurrentFinding>();
  // One after another: inside a transaction the queries share one connection anyway.
  for (const rule of rules) {
    for (const hit of await rule.find(db, { now, policy, vendor })) {
      const key = `${rule.id}\u0000${hit.subjectKey}`;
      if (!seen.has(key)) seen.set(key, { ...hit, ruleId: rule.id, severity: hit.severity ?? rule.severity });
    }
  }
  return [...seen.values()];
}

const toRecord = (finding: CurrentFinding) => ({
  rule_id: finding.ruleId,
  subject_key: finding.subjectKey,
  severity: finding.severity,
  project_id: finding.projectId ?? null,
  environment_id: finding.environmentId ?? null,
  machine_user_id: finding.machineUserId ?? null,
  token_id: finding.tokenId ?? null,
  platformsh_user_id: finding.platformshUserId ?? null,
  evidence: finding.evidence,
});

/**
 * Recomputes the findings and writes the difference. `now` is the time written as first seen, last
 * seen and resolved (tests pass their own clock).
 */
export async function recomputeFindings(db: Database, now: Date = new Date()): Promise<RecomputeOutcome> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FINDINGS_LOCK})`;
      const policy = await readPolicy(tx);
      const current = JSON.stringify((await evaluateRules(tx, now, policy)).map(toRecord));
      // The rules' answer as a relation, for the three statements below.
      const currentSet = (alias: string) => `jsonb_to_recordset($1::jsonb) AS ${alias}(rule_id text, subject_key text, severity text, project_id text, environment_id text, machine_user_id uuid, token_id uuid, platformsh_user_id text, evidence jsonb)`;
      const resolved = await tx.$executeRawUnsafe(
        `UPDATE findings f SET resolved_at = $2
         WHERE f.resolved_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM ${currentSet('c')} WHERE c.rule_id = f.rule_id AND c.subject_key = f.subject_key)`,
        current,
        now,
      );
      await tx.$executeRawUnsafe(
        `UPDATE findings f SET last_seen_at = $2, evidence = c.evidence, severity = c.severity::"FindingSeverity",
           project_id = c.project_id, environment_id = c.environment_id, machine_user_id = c.machine_user_id,
           token_id = c.token_id, platformsh_user_id = c.platformsh_user_id
         FROM ${currentSet('c')}
         WHERE f.resolved_at IS NULL AND f.rule_id = c.rule_id AND f.subject_key = c.subject_key`,
        current,
        now,
      );
      const opened = await tx.$executeRawUnsafe(
        `INSERT INTO findings (id, rule_id, subject_key, severity, project_id, environment_id, machine_user_id, token_id, platformsh_user_id, evidence, first_seen_at, last_seen_at)
         SELECT gen_random_uuid(), c.rule_id, c.subject_key, c.severity::"FindingSeverity", c.project_id, c.environment_id, c.machine_user_id, c.token_id, c.platformsh_user_id, c.evidence, $2, $2
         FROM ${currentSet('c')}
         WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.resolved_at IS NULL AND f.rule_id = c.rule_id AND f.subject_key = c.subject_key)`,
        current,
        now,
      );
      const open = await tx.finding.count({ where: { resolvedAt: null } });
      return { opened, resolved, open };
    },
    // Waiting for another instance's turn counts against the transaction's time: be generous.
    { maxWait: 60_000, timeout: 300_000 },
  );
}

/** Recomputes without ever failing its caller (a sync, a write): a failure is logged and retried next time. */
export async function recomputeFindingsSafely(db: Database = getDb(), now?: Date): Promise<RecomputeOutcome | null> {
  try {
    return await recomputeFindings(db, now);
  } catch (error) {
    logger.error('findings could not be recomputed', { error });
    return null;
  }
}

export interface PolicyPreviewRow {
  ruleId: string;
  /** Subjects that would become findings under the new values. */
  wouldOpen: number;
  /** Open findings that would no longer hold. */
  wouldResolve: number;
}

/**
 * What changing the policy to `next` would do, per rule, computed without writing: only the rules
 * that read a changed value are re-run, under the current and the new values.
 */
export async function previewPolicyChange(db: Queryable, current: Policy, next: Policy, now: Date = new Date()): Promise<PolicyPreviewRow[]> {
  const changed = (Object.keys(next) as (keyof Policy)[]).filter((key) => next[key] !== current[key]);
  const rules = RULES.filter((rule) => rule.policyKeys.some((key) => changed.includes(key)));
  const rows: PolicyPreviewRow[] = [];
  for (const rule of rules) {
    const [before, after] = [await evaluateRules(db, now, current, [rule]), await evaluateRules(db, now, next, [rule])];
    const beforeKeys = new Set(before.map((hit) => hit.subjectKey));
    const afterKeys = new Set(after.map((hit) => hit.subjectKey));
    rows.push({
      ruleId: rule.id,
      wouldOpen: [...afterKeys].filter((key) => !beforeKeys.has(key)).length,
      wouldResolve: [...beforeKeys].filter((key) => !afterKeys.has(key)).length,
    });
  }
  return rows;
}

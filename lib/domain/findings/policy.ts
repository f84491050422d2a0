// The organisation's policy (issue 15 §2): read by the findings rules, shown on the Policy page to
// every role, changed by admins only. A change is previewed first (what would open or resolve,
// per rule, computed without writing) and audited with its values before and after.
import { authorize } from '@/lib/auth/authorize';
import { getDb } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { parsePolicy, policyInputSchema, POLICY_DEFAULTS, type Policy } from '@/lib/validations/policy';
import type { RequestContext } from '../context';
import { runMutation } from '../mutation';
import { previewPolicyChange, type PolicyPreviewRow } from './engine';
import { readPolicy } from './read-policy';
import { ruleById } from './rules';

export interface PolicyView {
  values: Policy;
  /** Null while nobody changed the defaults. */
  updatedAt: string | null;
  updatedBy: string | null;
  canEdit: boolean;
}

export async function getPolicyView(context: RequestContext): Promise<ActionResult<PolicyView>> {
  if (!authorize(context.actor, 'policy.read').allowed) return fail('forbidden', 'You do not have permission to see the policy.');
  const db = getDb();
  const row = await db.organisationPolicy.findUnique({ where: { id: 1 } });
  const editor = row?.updatedById ? await db.user.findUnique({ where: { id: row.updatedById }, select: { email: true } }) : null;
  return ok({
    values: row ? parsePolicy(row.values) : { ...POLICY_DEFAULTS },
    updatedAt: row?.updatedAt.toISOString() ?? null,
    updatedBy: editor?.email ?? null,
    canEdit: authorize(context.actor, 'policy.update').allowed,
  });
}

export interface PolicyPreview {
  rows: (PolicyPreviewRow & { title: string })[];
  /** Values that differ from the policy in force, with both sides. */
  changes: { key: keyof Policy; from: Policy[keyof Policy]; to: Policy[keyof Policy] }[];
}

/** What saving `next` would change, without writing anything. */
export async function previewPolicy(context: RequestContext, next: Policy, now = new Date()): Promise<ActionResult<PolicyPreview>> {
  if (!authorize(context.actor, 'policy.read').allowed) return fail('forbidden', 'You do not have permission to see the policy.');
  const db = getDb();
  const current = await readPolicy(db);
  const rows = await previewPolicyChange(db, current, next, now);
  const changes = (Object.keys(next) as (keyof Policy)[]).filter((key) => next[key] !== current[key]).map((key) => ({ key, from: current[key], to: next[key] }));
  return ok({ rows: rows.map((row) => ({ ...row, title: ruleById(row.ruleId)?.title ?? row.ruleId })), changes });
}

export interface PolicyUpdateOutcome {
  values: Policy;
  changed: (keyof Policy)[];
}

/** Saves new policy values (admins; policy.update), audited with before → after. */
export function updatePolicy(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof policyInputSchema, PolicyUpdateOutcome>(
    context,
    {
      action: 'policy.update',
      schema: policyInputSchema,
      target: () => ({ type: 'policy', id: 'organisation' }),
      run: async (tx, input) => {
        const before = await readPolicy(tx);
        const values: Policy = { ...input };
        await tx.organisationPolicy.upsert({
          where: { id: 1 },
          create: { id: 1, values: { ...values }, updatedById: context.actor.id },
          update: { values: { ...values }, updatedById: context.actor.id },
        });
        const changed = (Object.keys(values) as (keyof Policy)[]).filter((key) => values[key] !== before[key]);
        return {
          data: { values, changed },
          details: {
            changed,
            before: Object.fromEntries(changed.map((key) => [key, before[key]])),
            after: Object.fromEntries(changed.map((key) => [key, values[key]])),
          },
        };
      },
    },
    rawInput,
  );
}

// The organisation's policy (issue 15 §2): the ages, days and grants the findings rules judge by.
// Stored as one JSON row (organisation_policy); read through `parsePolicy`, so that a key added
// later, or a value edited by hand into something invalid, falls back to its default instead of
// breaking every page. The Policy page's form is validated with `policyInputSchema` (strict: every
// value present and within its bounds).
import { z } from 'zod';
import { POLICY_BOUNDS, POLICY_DEFAULTS, type Policy } from './policy-values';
import { textSchema } from './text';

export { POLICY_BOUNDS, POLICY_DEFAULTS, type Policy, type PolicyKey } from './policy-values';

const days = (key: keyof typeof POLICY_BOUNDS, label: string) =>
  z.coerce
    .number({ error: `Enter ${label} as a number of days.` })
    .int({ error: 'Use a whole number of days.' })
    .min(POLICY_BOUNDS[key].min, { error: `At least ${POLICY_BOUNDS[key].min} day${POLICY_BOUNDS[key].min === 1 ? '' : 's'}.` })
    .max(POLICY_BOUNDS[key].max, { error: `At most ${POLICY_BOUNDS[key].max} days.` });

const yesNo = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

/** The Policy page's values, all required (the form always sends them). */
export const policyInputSchema = z.strictObject({
  rotationMaxAgeDays: days('rotationMaxAgeDays', 'the maximum token age'),
  unusedDays: days('unusedDays', 'the unused period'),
  neverUsedDays: days('neverUsedDays', 'the never-used period'),
  pendingInvitationDays: days('pendingInvitationDays', 'the pending-invitation period'),
  acceptRiskMaxDays: days('acceptRiskMaxDays', 'the longest risk acceptance'),
  allowHumanAdminOnProduction: yesNo,
  // Added after the others (issue 18.2): a form or client that predates it keeps the default.
  mintDeploymentTokens: yesNo.default(POLICY_DEFAULTS.mintDeploymentTokens),
});

/** The stored row, leniently: every missing or invalid key takes its default. */
export function parsePolicy(stored: unknown): Policy {
  const source = typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const shape = policyInputSchema.shape;
  const read = <K extends keyof Policy>(key: K): Policy[K] => {
    const parsed = shape[key].safeParse(source[key]);
    return (parsed.success ? parsed.data : POLICY_DEFAULTS[key]) as Policy[K];
  };
  return {
    rotationMaxAgeDays: read('rotationMaxAgeDays'),
    unusedDays: read('unusedDays'),
    neverUsedDays: read('neverUsedDays'),
    pendingInvitationDays: read('pendingInvitationDays'),
    acceptRiskMaxDays: read('acceptRiskMaxDays'),
    allowHumanAdminOnProduction: read('allowHumanAdminOnProduction'),
    mintDeploymentTokens: read('mintDeploymentTokens'),
  };
}

/**
 * The Policy page's URL while a change is previewed (`?rotationMaxAgeDays=…`): never fails; a value
 * that is missing or out of bounds is reported, and the preview waits for a valid set.
 */
export function parsePolicyPreview(params: Record<string, string | undefined>): { values: Policy; errors: Record<string, string[]> } | null {
  const keys = Object.keys(POLICY_DEFAULTS) as (keyof Policy)[];
  if (!keys.some((key) => params[key] !== undefined)) return null;
  // A yes/no missing from the URL (a link made before the key existed) is not an error: it keeps its default.
  const given = (key: keyof Policy) => params[key] ?? (typeof POLICY_DEFAULTS[key] === 'boolean' ? String(POLICY_DEFAULTS[key]) : '');
  const parsed = policyInputSchema.safeParse(Object.fromEntries(keys.map((key) => [key, given(key)])));
  if (parsed.success) return { values: parsed.data, errors: {} };
  const errors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (errors[String(issue.path[0] ?? 'form')] ??= []).push(issue.message);
  return { values: parsePolicy(Object.fromEntries(keys.map((key) => [key, params[key]]))), errors };
}

export const findingIdSchema = z.uuid({ error: 'Unknown finding.' });

/** Accepting a finding as a risk: a reason and an expiry date (YYYY-MM-DD), both required. */
export const acceptRiskSchema = z.strictObject({
  findingId: findingIdSchema,
  reason: textSchema({ max: 500, multiline: true }).pipe(z.string().min(10, 'Explain in a sentence why the risk is accepted (at least 10 characters).')),
  until: z.iso.date({ error: 'Choose the date the acceptance ends.' }),
});

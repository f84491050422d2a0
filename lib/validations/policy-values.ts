// The policy's keys, defaults and bounds, without zod: the Policy page's form (a client component)
// reads its defaults and input limits from here (see limits.ts for why no zod in the browser).

export interface Policy {
  /** A token older than this (since Platform.sh made it, or since it was recorded) should be rotated. */
  rotationMaxAgeDays: number;
  /** A token Platform.sh last saw used longer ago than this is probably not needed. */
  unusedDays: number;
  /** A token recorded this long ago and never used is probably not needed. */
  neverUsedDays: number;
  /** A machine user's invitation still pending after this long. */
  pendingInvitationDays: number;
  /** The longest an admin may accept a finding as a risk for. */
  acceptRiskMaxDays: number;
  /** Whether Platform.sh accounts other than Keywarden's machine users may hold admin on production. */
  allowHumanAdminOnProduction: boolean;
  /**
   * Whether recording or rotating a token mints a fresh deployment token from the pasted one (which
   * is then deleted), so that the token on the environments was never on a screen (issue 18.2).
   * Admins may choose otherwise per push.
   */
  mintDeploymentTokens: boolean;
}

export type PolicyKey = keyof Policy;

export const POLICY_DEFAULTS: Policy = {
  rotationMaxAgeDays: 365,
  unusedDays: 30,
  neverUsedDays: 14,
  pendingInvitationDays: 7,
  acceptRiskMaxDays: 90,
  allowHumanAdminOnProduction: true,
  // Off until an organisation turns it on: whether Platform.sh lets an API-token session create
  // tokens is not certain (a refusal falls back to the pasted token, but says the policy was not met).
  mintDeploymentTokens: false,
};

export const POLICY_BOUNDS = {
  rotationMaxAgeDays: { min: 1, max: 3650 },
  unusedDays: { min: 1, max: 3650 },
  neverUsedDays: { min: 1, max: 3650 },
  pendingInvitationDays: { min: 1, max: 365 },
  acceptRiskMaxDays: { min: 1, max: 365 },
} as const satisfies Partial<Record<PolicyKey, { min: number; max: number }>>;

/** How each value is named on the Policy page and in the audit log. */
export const POLICY_LABELS: Record<PolicyKey, string> = {
  rotationMaxAgeDays: 'Maximum token age (days)',
  unusedDays: 'Token unused for (days)',
  neverUsedDays: 'Token never used after (days)',
  pendingInvitationDays: 'Invitation pending for (days)',
  acceptRiskMaxDays: 'Longest risk acceptance (days)',
  allowHumanAdminOnProduction: 'Other accounts may be admin on production',
  mintDeploymentTokens: 'Mint deployment tokens',
};

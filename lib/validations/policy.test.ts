import { describe, expect, it } from 'vitest';
import { acceptRiskSchema, parsePolicy, parsePolicyPreview, policyInputSchema, POLICY_DEFAULTS } from './policy';

describe('the organisation policy', () => {
  it('reads a stored row leniently: missing or invalid values take their defaults', () => {
    expect(parsePolicy(null)).toEqual(POLICY_DEFAULTS);
    expect(parsePolicy({ unusedDays: 45, neverUsedDays: -3, rotationMaxAgeDays: 'many', allowHumanAdminOnProduction: false, unknown: 1 })).toEqual({
      ...POLICY_DEFAULTS,
      unusedDays: 45,
      allowHumanAdminOnProduction: false,
    });
  });

  it('validates the form strictly: every value, whole days within bounds, no unknown key', () => {
    expect(policyInputSchema.safeParse({ ...POLICY_DEFAULTS }).success).toBe(true);
    expect(policyInputSchema.safeParse({ ...POLICY_DEFAULTS, unusedDays: 0 }).success).toBe(false);
    expect(policyInputSchema.safeParse({ ...POLICY_DEFAULTS, unusedDays: 1.5 }).success).toBe(false);
    expect(policyInputSchema.safeParse({ ...POLICY_DEFAULTS, acceptRiskMaxDays: 366 }).success).toBe(false);
    expect(policyInputSchema.safeParse({ ...POLICY_DEFAULTS, extra: true }).success).toBe(false);
    const { unusedDays: _omitted, ...missing } = POLICY_DEFAULTS;
    expect(policyInputSchema.safeParse(missing).success).toBe(false);
  });

  it('reads a preview from the URL: none without values, errors named per field, values typed', () => {
    expect(parsePolicyPreview({})).toBeNull();
    const url = { rotationMaxAgeDays: '200', unusedDays: '30', neverUsedDays: '14', pendingInvitationDays: '7', acceptRiskMaxDays: '90', allowHumanAdminOnProduction: 'false' };
    expect(parsePolicyPreview(url)).toEqual({ values: { ...POLICY_DEFAULTS, rotationMaxAgeDays: 200, allowHumanAdminOnProduction: false }, errors: {} });
    expect(parsePolicyPreview({ ...url, unusedDays: '0' })?.errors).toEqual({ unusedDays: ['At least 1 day.'] });
  });

  it('needs a reason of a sentence and a date to accept a risk', () => {
    const input = { findingId: crypto.randomUUID(), reason: 'Planned for the next release.', until: '2030-01-01' };
    expect(acceptRiskSchema.safeParse(input).success).toBe(true);
    expect(acceptRiskSchema.safeParse({ ...input, reason: 'ok' }).success).toBe(false);
    expect(acceptRiskSchema.safeParse({ ...input, until: 'tomorrow' }).success).toBe(false);
    expect(acceptRiskSchema.safeParse({ ...input, reason: 'bad\u0000reason here' }).success).toBe(false);
  });
});

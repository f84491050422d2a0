import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from '@/lib/errors';
import { EVIDENCE_MAX_DAYS, evidenceSchemaFor } from './reviews';

/** The field errors an evidence request is refused with, as the form shows them. */
function refusalOf(input: Record<string, unknown>) {
  const parsed = evidenceSchemaFor(input).safeParse(input);
  expect(parsed.success).toBe(false);
  return parsed.success ? {} : fieldErrorsOf(parsed.error);
}

describe('evidence pack requests', () => {
  it('reports a last day before the first on the last day, not on the whole form', () => {
    expect(refusalOf({ from: '2026-06-10', to: '2026-06-01' })).toEqual({ to: ['The last day comes before the first day.'] });
  });

  it('reports too long a range, and a day that is not a date, on their fields', () => {
    expect(refusalOf({ from: '2000-01-01', to: '2026-01-01' })).toEqual({ to: [`Choose at most ${EVIDENCE_MAX_DAYS} days.`] });
    expect(refusalOf({ from: '2026-02-31', to: '2026-03-01' })).toEqual({ from: ['Enter the first day as a date (YYYY-MM-DD).'] });
    expect(refusalOf({ to: '2026-03-01' })).toEqual({ from: ['Enter the first day.'] });
  });

  it('takes a range in order, and a campaign by its id', () => {
    expect(evidenceSchemaFor({ from: '2026-06-01', to: '2026-06-10' }).safeParse({ from: '2026-06-01', to: '2026-06-10' }).success).toBe(true);
    const campaign = { campaignId: '3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e0f' };
    expect(evidenceSchemaFor(campaign).safeParse(campaign).success).toBe(true);
    expect(Object.keys(refusalOf({ campaignId: 'nope' }))).toEqual(['campaignId']);
  });
});

import { describe, expect, it } from 'vitest';
import type { Prisma } from '@/lib/db';
import { vendorProfile } from '@/lib/vendor';
import { describeDetails, filterDescription } from './audit-log';

describe('filterDescription', () => {
  it('withholds a token in the actor or target filter, by the shape free text is refused by', () => {
    // 36 characters: a token shorter than the 40 the notes' strict rule also catches.
    const token = 'Gq3vX9kLm2Pz8RtYw4Nb7Hc1Jd6Fs5Ae0Uo';
    expect(filterDescription({ actor: `ops ${token}`, target: token })).toMatchObject({
      actor: 'ops [withheld: looks like a token]',
      target: '[withheld: looks like a token]',
    });
    expect(filterDescription({ actor: 'ops@example.com' })).toMatchObject({ actor: 'ops@example.com' });
  });
});

describe('describeDetails', () => {
  const platformsh = vendorProfile('platformsh');
  const row = (action: string, details: Prisma.JsonObject | null) => ({ action, details, targetType: null, targetId: null });

  it('shows a change written as from/to', () => {
    expect(describeDetails(row('machine_user.change_roles', { step: 'requested', from: ['viewer'], to: ['viewer', 'production:admin'] }), platformsh).change).toEqual({
      before: 'viewer',
      after: 'viewer, production:admin',
    });
  });

  it('shows a change written as before/after: the policy, the second-factor rule, an accepted risk', () => {
    expect(describeDetails(row('policy.update', { changed: ['maxTokenAgeDays'], before: { maxTokenAgeDays: 90 }, after: { maxTokenAgeDays: 365 } }), platformsh).change).toEqual({
      before: 'maxTokenAgeDays: 90',
      after: 'maxTokenAgeDays: 365',
    });
    expect(describeDetails(row('second_factor.set_policy', { before: 'admins', after: 'nobody' }), platformsh).change).toEqual({ before: 'admins', after: 'nobody' });
    expect(describeDetails(row('finding.accept_risk', { reason: 'r', before: null, after: { acceptedUntil: '2027-01-01T00:00:00.000Z' } }), platformsh).change).toEqual({
      before: '(none)',
      after: 'acceptedUntil: 2027-01-01T00:00:00.000Z',
    });
  });

  it('has no change when the row records none', () => {
    expect(describeDetails(row('auth.sign_in', { targetName: 'a@example.com' }), platformsh).change).toBeNull();
    expect(describeDetails(row('auth.sign_in', null), platformsh).change).toBeNull();
  });
});

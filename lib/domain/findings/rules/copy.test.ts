import { describe, expect, it } from 'vitest';
import { VENDOR_PROFILES, vendorCopy } from '@/lib/vendor';
import { RULES } from '.';

// A rule's reason and fix are shown on the Findings view, the Policy page, notifications and the
// API: an Upsun organisation reads its own product's name there.
describe('the rules’ words name the organisation’s vendor', () => {
  it('keeps Platform.sh’s wording for a Platform.sh organisation', () => {
    const compromised = RULES.find((rule) => rule.id === 'token.compromised_not_deleted');
    expect(compromised && vendorCopy(compromised.reason, VENDOR_PROFILES.platformsh)).toBe('The token is believed leaked, and Platform.sh still accepts it: whoever holds it can act as the machine user.');
  });

  it('never says Platform.sh to an Upsun organisation', () => {
    const words = RULES.flatMap((rule) => [vendorCopy(rule.reason, VENDOR_PROFILES.upsun), vendorCopy(rule.fix, VENDOR_PROFILES.upsun)]);
    expect(words.filter((text) => text.includes('Platform.sh'))).toEqual([]);
    expect(words.filter((text) => text.includes('Upsun')).length).toBeGreaterThanOrEqual(8);
  });
});

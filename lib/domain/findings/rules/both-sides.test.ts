import { describe, expect, it } from 'vitest';
import { VENDOR_PROFILES } from '@/lib/vendor';
import { difference, permissionWords, variableFlagWords } from './both-sides';

describe('drift evidence in words', () => {
  it('puts the project role first and spells environment roles out', () => {
    expect(permissionWords(['production:admin', 'viewer', 'staging:contributor'])).toBe('viewer; production: admin; staging: contributor');
    // The environment types in the app's order, production first (not alphabetically).
    expect(permissionWords(['development:viewer', 'staging:viewer', 'production:viewer'])).toBe('production: viewer; staging: viewer; development: viewer');
    expect(permissionWords(['admin'])).toBe('admin');
    expect(permissionWords([])).toBe('no access');
  });

  it('says both sides in one sentence, naming the environment when there is one', () => {
    const at = new Date('2027-01-02T03:04:05.000Z');
    expect(difference(VENDOR_PROFILES.platformsh, { keywarden: 'approved: viewer', keywardenAt: at, platformsh: 'admin', platformshAt: null })).toEqual({
      where: null,
      keywarden: 'Keywarden approved: viewer',
      keywardenAt: '2027-01-02T03:04:05.000Z',
      platformsh: 'Platform.sh has: admin',
      platformshAt: null,
      text: 'Keywarden approved: viewer — Platform.sh has: admin',
    });
    expect(difference(VENDOR_PROFILES.platformsh, { where: 'staging', keywarden: 'set: sensitive', keywardenAt: null, platformsh: 'inheritable', platformshAt: at }).text).toBe('Keywarden set: sensitive on staging — Platform.sh has: inheritable');
  });

  it('names the organisation’s vendor: Upsun has, for an Upsun organisation', () => {
    const upsun = difference(VENDOR_PROFILES.upsun, { where: 'main', keywarden: 'set: sensitive', keywardenAt: null, platformsh: 'inheritable', platformshAt: null });
    expect(upsun.platformsh).toBe('Upsun has: inheritable');
    expect(upsun.text).toBe('Keywarden set: sensitive on main — Upsun has: inheritable');
  });

  it('names every flag of a variable', () => {
    expect(variableFlagWords({ isSensitive: true, isInheritable: false, isEnabled: true })).toBe('sensitive, not inheritable, enabled');
    expect(variableFlagWords({ isSensitive: false, isInheritable: true, isEnabled: false })).toBe('not sensitive, inheritable, disabled');
  });
});

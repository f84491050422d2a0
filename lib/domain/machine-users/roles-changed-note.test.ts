import { describe, expect, it } from 'vitest';
import { VENDOR_PROFILES } from '@/lib/vendor';
import { rolesChangedNote } from './tracking';

describe('the machine user page’s note on roles changed outside Keywarden', () => {
  it('keeps its Platform.sh words for a Platform.sh organisation', () => {
    expect(rolesChangedNote(['admin'], VENDOR_PROFILES.platformsh)).toMatch(/^Its roles on Platform\.sh were changed outside Keywarden: Platform\.sh has /);
  });

  it('names Upsun for an Upsun organisation', () => {
    const note = rolesChangedNote(['admin'], VENDOR_PROFILES.upsun);
    expect(note).toMatch(/^Its roles on Upsun were changed outside Keywarden: Upsun has /);
    expect(note).not.toContain('Platform.sh');
  });
});

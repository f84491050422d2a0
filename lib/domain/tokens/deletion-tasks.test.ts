import { describe, expect, it } from 'vitest';
import { VENDOR_PROFILES } from '@/lib/vendor';
import { deleteInConsoleTask, deleteWithLiveTokenTask, deletionFailedTask, incidentDeletionTask, oldTokenDeletion } from './deletion-tasks';

const token = { name: 'deploy', lastFour: 'a1b2' };
const email = 'bots+docs@example.com';
const alive = { ...token, platformshTokenId: 'tok-1', deletedOnPlatformAt: null };

/** Every sentence the builders make for one vendor. */
function sentences(vendor: (typeof VENDOR_PROFILES)[keyof typeof VENDOR_PROFILES]): string[] {
  return [
    deleteWithLiveTokenTask(vendor, token, email, true),
    deleteWithLiveTokenTask(vendor, token, email, false),
    deleteInConsoleTask(vendor, token, email),
    deletionFailedTask(vendor, 'timeout'),
    incidentDeletionTask(vendor, alive, email) ?? '',
    incidentDeletionTask(vendor, { ...alive, platformshTokenId: null }, email) ?? '',
    oldTokenDeletion(vendor, token, { kind: 'unknown_id' }),
    oldTokenDeletion(vendor, token, { kind: 'deleted' }),
    oldTokenDeletion(vendor, token, { kind: 'failed', failure: 'timeout' }),
  ];
}

describe('deletion tasks name the organisation’s vendor', () => {
  it('keeps the Platform.sh wording for a Platform.sh organisation', () => {
    expect(deleteWithLiveTokenTask(VENDOR_PROFILES.platformsh, token, email, true)).toBe(
      'Delete the token “deploy” (…a1b2) on Platform.sh: paste a live token of bots+docs@example.com (the compromised one works until deleted), or delete it in its Console.',
    );
    expect(oldTokenDeletion(VENDOR_PROFILES.platformsh, token, { kind: 'deleted' })).toBe('The old token (…a1b2) is deleted on Platform.sh.');
    for (const sentence of sentences(VENDOR_PROFILES.platformsh)) expect(sentence).toContain('Platform.sh');
  });

  it('says Upsun, never Platform.sh, for an Upsun organisation', () => {
    expect(deleteWithLiveTokenTask(VENDOR_PROFILES.upsun, token, email, false)).toBe(
      'Delete the token “deploy” (…a1b2) on Upsun: paste a live token of bots+docs@example.com (this one works until deleted), or delete it in its Console.',
    );
    expect(incidentDeletionTask(VENDOR_PROFILES.upsun, { ...alive, platformshTokenId: null }, email)).toBe('Keywarden does not know the id of “deploy” (…a1b2) on Upsun: delete it in the Console of bots+docs@example.com.');
    for (const sentence of sentences(VENDOR_PROFILES.upsun)) {
      expect(sentence).toContain('Upsun');
      expect(sentence).not.toContain('Platform.sh');
    }
  });

  it('leaves no incident task once the token is deleted', () => {
    expect(incidentDeletionTask(VENDOR_PROFILES.upsun, { ...alive, deletedOnPlatformAt: new Date() }, email)).toBeNull();
  });
});

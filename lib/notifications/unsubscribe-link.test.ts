import { describe, expect, it } from 'vitest';
import { signUnsubscribeLink, UNSUBSCRIBE_LINK_DAYS, unsubscribeKey, verifyUnsubscribeLink } from './unsubscribe-link';

const KEY = unsubscribeKey('a-server-secret-of-enough-length-0123456789');
const USER = '6f1c3a9e-2b7d-4c1e-9a0b-5d3e2f1a0b9c';
const NOW = new Date('2027-03-01T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

describe('the signed unsubscribe link', () => {
  it('names the user and the event kind until it expires', () => {
    const link = signUnsubscribeLink(KEY, { userId: USER, event: 'push_failed' }, NOW);
    expect(verifyUnsubscribeLink(KEY, link, new Date(NOW.getTime() + DAY))).toEqual({
      ok: true,
      claim: { userId: USER, event: 'push_failed', expiresAt: new Date(NOW.getTime() + UNSUBSCRIBE_LINK_DAYS * DAY) },
    });
    expect(verifyUnsubscribeLink(KEY, link, new Date(NOW.getTime() + UNSUBSCRIBE_LINK_DAYS * DAY + 1000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link signed with another key, or with its payload or its MAC altered', () => {
    const link = signUnsubscribeLink(KEY, { userId: USER, event: 'push_failed' }, NOW);
    const [payload, signature] = link.split('.') as [string, string];
    expect(verifyUnsubscribeLink(unsubscribeKey('another-server-secret-0123456789abcdef'), link, NOW)).toEqual({ ok: false, reason: 'tampered' });
    // The same MAC on a payload naming another event kind.
    const otherEvent = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('push_failed', 'sync_failed')).toString('base64url');
    expect(verifyUnsubscribeLink(KEY, `${otherEvent}.${signature}`, NOW)).toEqual({ ok: false, reason: 'tampered' });
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(verifyUnsubscribeLink(KEY, `${payload}.${flipped}`, NOW)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('calls anything that is not a link malformed', () => {
    for (const junk of ['', 'x', 'a.b.c', `${'a'.repeat(10)}.short`, '../../etc/passwd', '%00.%00']) {
      expect(verifyUnsubscribeLink(KEY, junk, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

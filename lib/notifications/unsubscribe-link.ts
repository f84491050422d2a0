// The signed one-click unsubscribe link of a notification e-mail (issue 17, RFC 8058): it names a
// user, an event kind and an expiry, and carries an HMAC-SHA256 of them under a key of the server's
// (derived from its session secret), so that it can be honoured without a sign-in and cannot be
// forged or altered. It only ever turns one kind of e-mail off for one person — the most a stolen
// link can do — and the person can turn it on again in their preferences.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isNotificationEvent, type NotificationEvent } from './events';
import { isUuid } from '@/lib/utils';

/** A link stays valid this long after the e-mail that carried it. */
export const UNSUBSCRIBE_LINK_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;
export interface UnsubscribeClaim {
  userId: string;
  event: NotificationEvent;
  expiresAt: Date;
}

export type UnsubscribeLinkCheck = { ok: true; claim: UnsubscribeClaim } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' };

/** The link key: its own derivation of the server secret, so a link's MAC is useless anywhere else. */
export function unsubscribeKey(serverSecret: string): Buffer {
  return createHmac('sha256', serverSecret).update('keywarden/notification-unsubscribe/v1').digest();
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** `<payload>.<mac>`, both base64url: safe in a URL path segment. */
export function signUnsubscribeLink(key: Buffer, claim: { userId: string; event: NotificationEvent }, now: Date): string {
  const expires = Math.floor((now.getTime() + UNSUBSCRIBE_LINK_DAYS * DAY_MS) / 1000);
  const payload = Buffer.from(`${claim.userId}|${claim.event}|${expires}`).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

export function verifyUnsubscribeLink(key: Buffer, link: string, now: Date): UnsubscribeLinkCheck {
  const parts = link.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]{1,200}$/.test(parts[0]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[1]!)) return { ok: false, reason: 'malformed' };
  const [payload, given] = parts as [string, string];
  const expected = mac(key, payload);
  if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return { ok: false, reason: 'tampered' };
  const [userId, event, expires] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  if (!userId || !isUuid(userId) || !event || !isNotificationEvent(event) || !/^\d{1,12}$/.test(expires ?? '')) return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(Number(expires) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claim: { userId, event, expiresAt } };
}

/** The page that confirms (GET) and the address a mail client POSTs the one click to (RFC 8058). */
export const unsubscribePagePath = (link: string) => `/unsubscribe/${link}`;
export const unsubscribeOneClickPath = (link: string) => `/api/unsubscribe/${link}`;

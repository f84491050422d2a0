// The signed one-click unsubscribe (issue 17, RFC 8058). Every notification e-mail carries a link
// naming its recipient and its event kind (lib/notifications/unsubscribe-link.ts): the page at
// /unsubscribe/<link> says what it will turn off and asks for one press (a real form, no script);
// a POST to /api/unsubscribe/<link> — that form, or a mail client's `List-Unsubscribe=One-Click` —
// sets that person's choice for that kind to "in-app only", audited with before → after in the same
// transaction. The link is the authority: no sign-in, and it can do nothing else. A tampered,
// malformed or expired link is told so in plain words (never a 500), and audited as a stranger's
// refusal (rate-limited rows).
import 'server-only';
import { recordAudit, recordStrangerRefusal } from '@/lib/audit/record';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { getDb, type Database } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { EVENT_LABELS, type NotificationChoice, type NotificationEvent } from '@/lib/notifications/events';
import { unsubscribeKey, verifyUnsubscribeLink, type UnsubscribeLinkCheck } from '@/lib/notifications/unsubscribe-link';
import { readNotificationSettings } from './settings';

/** The key the configured server signs links with (derived from its session secret). */
export function configuredUnsubscribeKey(): Buffer {
  return unsubscribeKey(getSecrets(getConfig()).session);
}

export interface UnsubscribeView {
  email: string;
  event: NotificationEvent;
  eventLabel: string;
  /** What applies now (own choice, else the organisation's default). */
  current: NotificationChoice;
}

const PROBLEMS: Record<Exclude<UnsubscribeLinkCheck, { ok: true }>['reason'] | 'unknown_user', string> = {
  malformed: 'This unsubscribe link is not complete. Copy the whole link from the e-mail, or change your choices in Settings → Notifications.',
  tampered: 'This unsubscribe link was altered or was not made by this Keywarden, so it was not used. Use the link from the e-mail as it came, or change your choices in Settings → Notifications.',
  expired: 'This unsubscribe link has expired. Use the link in a newer e-mail, or change your choices in Settings → Notifications.',
  unknown_user: 'The account this link was made for no longer receives e-mail from Keywarden.',
};

async function resolve(db: Database, link: string, now: Date): Promise<ActionResult<UnsubscribeView & { userId: string; role: 'admin' | 'onboarder' | 'reviewer' }>> {
  const check = verifyUnsubscribeLink(configuredUnsubscribeKey(), link, now);
  if (!check.ok) return fail(check.reason === 'expired' ? 'conflict' : 'invalid_input', PROBLEMS[check.reason]);
  const { userId, event } = check.claim;
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true, disabledAt: true } });
  if (!user || user.disabledAt) return fail('not_found', PROBLEMS.unknown_user);
  const [own, settings] = await Promise.all([db.notificationPreference.findUnique({ where: { userId_event: { userId, event } } }), readNotificationSettings(db)]);
  return ok({ userId, role: user.role, email: user.email, event, eventLabel: EVENT_LABELS[event].label, current: own?.choice ?? settings.defaults[event] });
}

/** For the confirm page (GET): what the link would turn off, or why it cannot. Changes nothing. */
export async function describeUnsubscribeLink(link: string, now = new Date()): Promise<ActionResult<UnsubscribeView>> {
  const resolved = await resolve(getDb(), link, now);
  if (!resolved.ok) return resolved;
  const { email, event, eventLabel, current } = resolved.data;
  return ok({ email, event, eventLabel, current });
}

/** The POST: that person's choice for that kind becomes "in-app only". Idempotent; audited. */
export async function unsubscribeByLink(link: string, clientAddress: string | null, now = new Date()): Promise<ActionResult<UnsubscribeView & { changed: boolean }>> {
  const db = getDb();
  const resolved = await resolve(db, link, now);
  if (!resolved.ok) {
    await recordStrangerRefusal(db, { actor: null, action: 'notification.unsubscribe', outcome: 'refused', reason: resolved.error.message, clientAddress });
    return resolved;
  }
  const { userId, role, email, event, eventLabel, current } = resolved.data;
  await db.$transaction(async (tx) => {
    await tx.notificationPreference.upsert({ where: { userId_event: { userId, event } }, create: { userId, event, choice: 'none' }, update: { choice: 'none' } });
    await recordAudit(tx, {
      actor: { id: userId, email, role },
      action: 'notification.unsubscribe',
      outcome: 'succeeded',
      clientAddress,
      target: { type: 'user', id: userId, name: email },
      details: { event, before: current, after: 'none', via: 'signed e-mail link' },
    });
  });
  return ok({ email, event, eventLabel, current: 'none', changed: current !== 'none' });
}

// The notification tick (issue 17): one plain function that the job queue's cron calls (and the
// sandbox's "Send due reminders now" button), safe to run on several instances at once.
//
//  1. Find what is due now: active tokens whose rotate-by date is N days away (N from the
//     organisation's reminder days), today, or past (the first day after it, then once a week);
//     high or critical findings first seen in the last week (drift has its own event); and the
//     operational events of ./occurrences.ts (drift, failed pushes and syncs, open revocations,
//     review campaigns, a compromised token seen in use).
//  2. Write one notification per recipient and occurrence. The dedup key names the occurrence and
//     its window (the token, its rotate-by date, the window: "due_in:14", "today", "overdue:w2");
//     (user, dedup key) is unique in the database and rows are inserted with ON CONFLICT DO NOTHING,
//     so a second instance, or the next tick, writes nothing for the same occurrence. Only the rows
//     this call inserted get a delivery, in the same transaction.
//  3. Send: each pending delivery is claimed by one UPDATE … FOR UPDATE SKIP LOCKED (one instance
//     gets it), then sent and marked sent, or put back for a retry (up to MAX_ATTEMPTS) or failed.
//     A day's digest deliveries are claimed the same way and go out the next day as one e-mail.
//  Every e-mail sent or failed is audited. Titles and bodies name the token by its name and the
//  machine user by its e-mail: never a token value or fingerprint (SECURITY.md N1).
import 'server-only';
import type { Actor } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import type { Database } from '@/lib/db';
import { logger } from '@/lib/logger';
import type { NotificationChoice, NotificationEvent } from '@/lib/notifications/events';
import { composeDigestMail, composeNotificationMail, type MessageItem, type SignedUnsubscribe } from '@/lib/notifications/message';
import { signUnsubscribeLink, unsubscribeOneClickPath, unsubscribePagePath } from '@/lib/notifications/unsubscribe-link';
import { ruleById } from '../findings/rules';
import { describeMailError, type Mailer } from './mailer';
import { findOperationalOccurrences } from './occurrences';
import { readNotificationSettings } from './settings';
import { deliverPendingWebhooks, enqueueWebhookEvents } from './webhooks';
import { configuredVendor } from '@/lib/domain/platformsh-connection';
import { vendorCopy, type VendorProfile } from '@/lib/vendor';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Findings first seen longer ago than this are not announced (a new installation's backlog is on the Findings page). */
const FINDING_LOOKBACK_DAYS = 7;
export const MAX_ATTEMPTS = 3;
/** A delivery claimed longer ago than this without an outcome: its instance stopped mid-send. */
const STUCK_AFTER_MS = 15 * 60 * 1000;
/** Deliveries sent per tick at most (the next tick takes the rest). */
const BATCH = 200;

export interface NotificationTickOptions {
  now?: Date;
  mailer: Mailer;
  /** For the links in e-mails (config publicUrl). */
  publicUrl: URL;
  /** Who asked for this run (the sandbox button): the actor of its audit rows. Null for the scheduler. */
  actor?: Pick<Actor, 'id' | 'email' | 'role'> | null;
  /**
   * Signs each e-mail's one-click unsubscribe link (lib/notifications/unsubscribe-link.ts); without
   * it the e-mails link to the preferences page instead.
   */
  unsubscribeKey?: Buffer;
  /** Whose product the words name (Platform.sh or Upsun); the configured vendor when left out. */
  vendor?: VendorProfile;
}

export interface NotificationTickResult {
  /** Notifications written by this call (occurrences already notified are not counted). */
  created: number;
  emailed: number;
  failed: number;
  digests: number;
  webhooksDelivered: number;
  webhooksFailed: number;
}

export interface DueNotification {
  userId: string;
  event: NotificationEvent;
  dedupKey: string;
  title: string;
  body: string;
  linkPath: string;
}

const utcDay = (date: Date) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
const isoDay = (date: Date) => new Date(utcDay(date)).toISOString().slice(0, 10);
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * The window a rotate-by date falls in today, or null when nothing is due: the smallest reminder
 * day at or above the days left (so a missed tick still sends, once, in the same window).
 */
export function rotationWindow(rotateBy: Date, now: Date, reminderDays: readonly number[]): { event: NotificationEvent; window: string; daysLeft: number } | null {
  const daysLeft = Math.round((utcDay(rotateBy) - utcDay(now)) / DAY_MS);
  if (daysLeft === 0) return { event: 'rotation_due_today', window: 'today', daysLeft };
  if (daysLeft < 0) return { event: 'rotation_overdue', window: `overdue:w${Math.floor((-daysLeft - 1) / 7)}`, daysLeft };
  const reminder = [...reminderDays].sort((a, b) => a - b).find((days) => days >= daysLeft);
  return reminder === undefined ? null : { event: 'rotation_due_soon', window: `due_in:${reminder}`, daysLeft };
}

/** Step 1: what is due now, one row per recipient. */
export async function findDueNotifications(db: Database, now: Date, reminderDays: readonly number[], vendor: VendorProfile): Promise<DueNotification[]> {
  const due: DueNotification[] = [];
  const horizon = new Date(utcDay(now) + (Math.max(...reminderDays) + 1) * DAY_MS);
  const tokens = await db.apiToken.findMany({
    where: { status: 'active', rotateBy: { lt: horizon }, machineUser: { state: { not: 'removed' } } },
    select: {
      id: true,
      name: true,
      rotateBy: true,
      machineUser: {
        select: {
          id: true,
          email: true,
          project: { select: { title: true } },
          owner: { select: { id: true, disabledAt: true } },
          backupOwner: { select: { id: true, disabledAt: true } },
        },
      },
    },
  });
  for (const token of tokens) {
    const window = rotationWindow(token.rotateBy, now, reminderDays);
    if (!window) continue;
    const machineUser = token.machineUser;
    const what = `“${token.name}” of ${machineUser.email}`;
    const title =
      window.event === 'rotation_due_today'
        ? `Rotate ${what} today`
        : window.event === 'rotation_overdue'
          ? `${what} is ${plural(-window.daysLeft, 'day')} past its rotate-by date`
          : `Rotate ${what} within ${plural(window.daysLeft, 'day')}`;
    const body = `The token “${token.name}” of the machine user ${machineUser.email} (project ${machineUser.project.title}) should be rotated by ${isoDay(token.rotateBy)}. Rotate it from the machine user’s page: paste the new token once, Keywarden pushes it and retires the old one.`;
    const recipients = [machineUser.owner, machineUser.backupOwner].filter((user): user is { id: string; disabledAt: null } => user !== null && user.disabledAt === null);
    for (const user of new Map(recipients.map((recipient) => [recipient.id, recipient])).values()) {
      due.push({
        userId: user.id,
        event: window.event,
        dedupKey: `token:${token.id}:${isoDay(token.rotateBy)}:${window.window}`,
        title,
        body,
        linkPath: `/machine-users/${machineUser.id}`,
      });
    }
  }

  const findings = await db.finding.findMany({
    where: {
      severity: { in: ['high', 'critical'] },
      // Drift is announced as drift_detected (./occurrences.ts), once, not also as a high finding.
      NOT: { ruleId: { startsWith: 'drift.' } },
      resolvedAt: null,
      firstSeenAt: { gte: new Date(now.getTime() - FINDING_LOOKBACK_DAYS * DAY_MS), lte: now },
      OR: [{ acceptedUntil: null }, { acceptedUntil: { lte: now } }],
    },
    select: { id: true, ruleId: true, severity: true, projectId: true, firstSeenAt: true },
  });
  if (findings.length > 0) {
    const projectIds = [...new Set(findings.map((finding) => finding.projectId).filter((id): id is string => id !== null))];
    const [admins, assignments, projects] = await Promise.all([
      db.user.findMany({ where: { role: 'admin', disabledAt: null }, select: { id: true } }),
      db.projectAssignment.findMany({ where: { projectId: { in: projectIds }, user: { disabledAt: null, role: 'onboarder' } }, select: { userId: true, projectId: true } }),
      db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, title: true } }),
    ]);
    for (const finding of findings) {
      const rule = ruleById(finding.ruleId);
      const project = projects.find((candidate) => candidate.id === finding.projectId);
      const recipients = new Set([...admins.map((admin) => admin.id), ...assignments.filter((row) => row.projectId === finding.projectId).map((row) => row.userId)]);
      const params = new URLSearchParams({ rule: finding.ruleId, ...(finding.projectId ? { project: finding.projectId } : {}) });
      for (const userId of recipients) {
        due.push({
          userId,
          event: 'finding_high',
          dedupKey: `finding:${finding.id}`,
          title: `${finding.severity === 'critical' ? 'Critical' : 'High'} finding: ${rule?.title ?? finding.ruleId}${project ? ` (${project.title})` : ''}`,
          body: `First seen ${isoDay(finding.firstSeenAt)}. ${rule ? vendorCopy(rule.reason, vendor) : ''} Open the findings to see the evidence and the fix.`.replace(/\s+/g, ' ').trim(),
          linkPath: `/review?${params.toString()}`,
        });
      }
    }
  }
  return due;
}

/** Step 2: writes what is new, with its deliveries; returns the number of notifications written. */
async function writeNotifications(db: Database, due: DueNotification[], mailer: Mailer, now: Date, publicUrl: URL): Promise<number> {
  if (due.length === 0) return 0;
  const settings = await readNotificationSettings(db);
  return db.$transaction(async (tx) => {
    const inserted = await tx.notification.createManyAndReturn({ data: due.map((row) => ({ ...row, createdAt: now })), skipDuplicates: true, select: { id: true, userId: true, event: true, dedupKey: true } });
    if (inserted.length === 0) return 0;
    const preferences = await tx.notificationPreference.findMany({ where: { userId: { in: [...new Set(inserted.map((row) => row.userId))] } } });
    const choiceOf = (userId: string, event: NotificationEvent): NotificationChoice =>
      preferences.find((row) => row.userId === userId && row.event === event)?.choice ?? settings.defaults[event];
    const deliveries = inserted.flatMap((row): { notificationId: string; status: 'skipped' | 'digest' | 'pending'; lastError?: string }[] => {
      const choice = choiceOf(row.userId, row.event);
      if (choice === 'none') return [];
      if (mailer.kind === 'disabled') return [{ notificationId: row.id, status: 'skipped', lastError: 'e-mail is not configured (KEYWARDEN_SMTP_URL)' }];
      return [{ notificationId: row.id, status: choice === 'digest' ? 'digest' : 'pending' }];
    });
    if (deliveries.length > 0) await tx.notificationDelivery.createMany({ data: deliveries.map((row) => ({ ...row, createdAt: now })), skipDuplicates: true });
    // Webhooks hear of each occurrence once, whoever its recipients are.
    const byRecipient = new Map(due.map((row) => [`${row.userId}\n${row.dedupKey}`, row]));
    const occurrences = new Map(inserted.map((row) => [row.dedupKey, byRecipient.get(`${row.userId}\n${row.dedupKey}`)!]));
    await enqueueWebhookEvents(tx, [...occurrences.values()], publicUrl, now);
    return inserted.length;
  });
}

/** Takes deliveries for this instance alone: no other instance's UPDATE can take the same rows. */
async function claim(db: Database, status: 'pending' | 'digest', now: Date, createdBefore: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE notification_deliveries SET status = 'sending', attempts = attempts + 1, last_attempt_at = ${now}
    WHERE id IN (
      SELECT id FROM notification_deliveries
      WHERE status = ${status}::"NotificationDeliveryStatus" AND created_at < ${createdBefore}
      ORDER BY created_at LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  return rows.map((row) => row.id);
}

interface ClaimedDelivery {
  id: string;
  attempts: number;
  notification: { id: string; event: NotificationEvent; title: string; body: string; linkPath: string; user: { id: string; email: string } };
}

async function loadClaimed(db: Database, ids: string[]): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return [];
  return db.notificationDelivery.findMany({
    where: { id: { in: ids } },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      attempts: true,
      notification: { select: { id: true, event: true, title: true, body: true, linkPath: true, user: { select: { id: true, email: true } } } },
    },
  });
}

/** Step 3: sends what is pending, then the digests of earlier days. */
async function deliver(db: Database, options: Required<Pick<NotificationTickOptions, 'mailer' | 'publicUrl'>> & Pick<NotificationTickOptions, 'actor' | 'unsubscribeKey'> & { now: Date }) {
  const { mailer, publicUrl, now, actor, unsubscribeKey } = options;
  const signed = (userId: string, event: NotificationEvent): SignedUnsubscribe | undefined => {
    if (!unsubscribeKey) return undefined;
    const link = signUnsubscribeLink(unsubscribeKey, { userId, event }, now);
    return { pageUrl: new URL(unsubscribePagePath(link), publicUrl).toString(), oneClickUrl: new URL(unsubscribeOneClickPath(link), publicUrl).toString() };
  };
  let emailed = 0;
  let failed = 0;
  let digests = 0;
  // An instance that stopped between the claim and the outcome: the message may or may not have
  // left, so it is not sent again (nothing twice), and the failure says so.
  await db.notificationDelivery.updateMany({
    where: { status: 'sending', lastAttemptAt: { lt: new Date(now.getTime() - STUCK_AFTER_MS) } },
    data: { status: 'failed', lastError: 'interrupted while sending: it may or may not have been delivered' },
  });

  const audit = (outcome: 'succeeded' | 'failed', user: { id: string; email: string }, details: Record<string, string | number>, reason?: string) =>
    recordAudit(db, {
      actor: actor ?? null,
      action: outcome === 'succeeded' ? 'notification.email_sent' : 'notification.email_failed',
      outcome,
      reason,
      target: { type: 'user', id: user.id, name: user.email },
      details: { ...details, transport: mailer.kind },
    });

  const settle = async (deliveryIds: string[], attempts: number, user: { id: string; email: string }, send: () => Promise<void>, details: Record<string, string | number>) => {
    try {
      await send();
      await db.notificationDelivery.updateMany({ where: { id: { in: deliveryIds } }, data: { status: 'sent', sentAt: new Date(), lastError: null } });
      await audit('succeeded', user, details);
      return true;
    } catch (error) {
      const reason = describeMailError(error);
      const retry = attempts < MAX_ATTEMPTS;
      await db.notificationDelivery.updateMany({ where: { id: { in: deliveryIds } }, data: { status: retry ? 'pending' : 'failed', lastError: reason } });
      await audit('failed', user, { ...details, attempt: attempts, willRetry: retry ? 'yes' : 'no' }, reason);
      logger.warn('notification e-mail failed', { deliveryIds, reason });
      return false;
    }
  };

  for (const delivery of await loadClaimed(db, await claim(db, 'pending', now, new Date(now.getTime() + 1)))) {
    const { notification } = delivery;
    const mail = composeNotificationMail(notification, publicUrl, signed(notification.user.id, notification.event));
    const sent = await settle([delivery.id], delivery.attempts, notification.user, () => mailer.send({ to: notification.user.email, ...mail }), {
      event: notification.event,
      notificationId: notification.id,
    });
    if (sent) emailed++;
    else failed++;
  }

  // Digests: what was collected before today goes out as one e-mail per person.
  const claimed = await loadClaimed(db, await claim(db, 'digest', now, new Date(utcDay(now))));
  const byUser = new Map<string, ClaimedDelivery[]>();
  for (const delivery of claimed) byUser.set(delivery.notification.user.id, [...(byUser.get(delivery.notification.user.id) ?? []), delivery]);
  for (const deliveries of byUser.values()) {
    const user = deliveries[0]!.notification.user;
    const items: (MessageItem & { unsubscribePageUrl?: string })[] = deliveries.map((delivery) => ({
      ...delivery.notification,
      unsubscribePageUrl: signed(user.id, delivery.notification.event)?.pageUrl,
    }));
    const mail = composeDigestMail(items, publicUrl);
    const ids = deliveries.map((delivery) => delivery.id);
    const attempts = Math.max(...deliveries.map((delivery) => delivery.attempts));
    // A failed digest goes back to waiting as a digest, not as single e-mails.
    const sent = await settle(ids, attempts, user, () => mailer.send({ to: user.email, ...mail }), { event: 'digest', notifications: ids.length });
    if (sent) digests++;
    else {
      failed++;
      await db.notificationDelivery.updateMany({ where: { id: { in: ids }, status: 'pending' }, data: { status: 'digest' } });
    }
  }
  return { emailed, failed, digests };
}

/**
 * The periodic work: idempotent, and safe to call from several instances at once (see the top of
 * this file). The lead wires it into the job queue's cron; the sandbox calls it from a button.
 */
export async function runNotificationTick(db: Database, options: NotificationTickOptions): Promise<NotificationTickResult> {
  const now = options.now ?? new Date();
  const settings = await readNotificationSettings(db);
  const vendor = options.vendor ?? configuredVendor();
  const due = [...(await findDueNotifications(db, now, settings.reminderDays, vendor)), ...(await findOperationalOccurrences(db, now, { ...settings, vendor }))];
  const created = await writeNotifications(db, due, options.mailer, now, options.publicUrl);
  const delivered = await deliver(db, { mailer: options.mailer, publicUrl: options.publicUrl, now, actor: options.actor, unsubscribeKey: options.unsubscribeKey });
  const webhooks = await deliverPendingWebhooks(db, { now, actor: options.actor });
  return { created, ...delivered, webhooksDelivered: webhooks.delivered, webhooksFailed: webhooks.failed };
}

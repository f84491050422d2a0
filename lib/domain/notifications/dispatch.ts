// "Send due reminders now" (admins) and the sandbox mailbox (Settings → Mailbox, admins). The button
// runs the same tick the scheduler runs, so the loop can be tried end to end without waiting for it;
// the press is audited (before the tick, so that every e-mail row it causes follows it), and so is
// each e-mail sent or failed.
import 'server-only';
import { z } from 'zod';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import type { RequestContext } from '../context';
import { createMailer, type Mailer } from './mailer';
import { runNotificationTick, type NotificationTickResult } from './tick';
import { configuredUnsubscribeKey } from './unsubscribe';

const sendDueSchema = z.strictObject({});

export async function sendDueNotificationsNow(
  context: RequestContext,
  rawInput: unknown,
  deps: { mailer: Mailer; publicUrl: URL; now?: Date; unsubscribeKey?: Buffer },
): Promise<ActionResult<NotificationTickResult>> {
  const db = getDb();
  const { actor, clientAddress } = context;
  const decision = authorize(actor, 'notification.send_due');
  if (!decision.allowed) {
    await recordAudit(db, { actor, action: 'notification.send_due', outcome: 'refused', reason: decision.reason, clientAddress });
    return fail('forbidden', 'You do not have permission to do this.');
  }
  const parsed = sendDueSchema.safeParse(rawInput ?? {});
  if (!parsed.success) {
    await recordAudit(db, { actor, action: 'notification.send_due', outcome: 'invalid', reason: 'input failed validation', clientAddress });
    return fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
  }
  await recordAudit(db, { actor, action: 'notification.send_due', outcome: 'succeeded', clientAddress, target: { type: 'notification_settings', id: 'organisation' }, details: { transport: deps.mailer.kind } });
  const result = await runNotificationTick(db, { mailer: deps.mailer, publicUrl: deps.publicUrl, now: deps.now, actor, unsubscribeKey: deps.unsubscribeKey });
  return ok(result);
}

export const MAILBOX_PAGE_SIZE = 20;

export interface SandboxMailView {
  id: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  createdAt: string;
}

export async function listSandboxMail(context: RequestContext, options: { page?: number } = {}): Promise<ActionResult<{ mails: SandboxMailView[]; total: number; page: number; pageSize: number }>> {
  const db = getDb();
  const decision = authorize(context.actor, 'mailbox.read');
  if (!decision.allowed) {
    // A refused read is audited like any refused action.
    await recordAudit(db, { actor: context.actor, action: 'mailbox.read', outcome: 'refused', reason: decision.reason, clientAddress: context.clientAddress });
    return fail('forbidden', 'The sandbox mailbox is visible to admins.');
  }
  const page = Math.max(1, options.page ?? 1);
  const [rows, total] = await Promise.all([
    db.sandboxMail.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: (page - 1) * MAILBOX_PAGE_SIZE, take: MAILBOX_PAGE_SIZE }),
    db.sandboxMail.count(),
  ]);
  return ok({
    mails: rows.map((row) => ({ id: row.id, to: row.to, from: row.from, subject: row.subject, text: row.text, createdAt: row.createdAt.toISOString() })),
    total,
    page,
    pageSize: MAILBOX_PAGE_SIZE,
  });
}

/** The mailer this installation's configuration asks for (SMTP, the sandbox mailbox, or none). */
export function configuredMailer(): Mailer {
  return createMailer(getConfig().mail, getDb());
}

/**
 * The scheduler's entry point (for the job queue's cron, wired by the lead): one tick with the
 * configured mailer and public URL. Idempotent and safe on several instances (see ./tick.ts).
 */
export async function runConfiguredNotificationTick(now = new Date()): Promise<NotificationTickResult> {
  const mailer = configuredMailer();
  try {
    return await runNotificationTick(getDb(), { mailer, publicUrl: getConfig().publicUrl, now, unsubscribeKey: configuredUnsubscribeKey() });
  } finally {
    mailer.close();
  }
}

/** "Send due reminders now", with the configured mailer (the server action's use case). */
export async function sendDueNotificationsWithConfiguredMailer(context: RequestContext, rawInput: unknown): Promise<ActionResult<NotificationTickResult>> {
  const mailer = configuredMailer();
  try {
    return await sendDueNotificationsNow(context, rawInput, { mailer, publicUrl: getConfig().publicUrl, unsubscribeKey: configuredUnsubscribeKey() });
  } finally {
    mailer.close();
  }
}

// "Send due reminders now" (admins) and the sandbox mailbox (Settings → Mailbox, admins). The button
// runs the same tick the scheduler runs, so the loop can be tried end to end without waiting for it;
// the press is audited (before the tick, so that every e-mail row it causes follows it), and so is
// each e-mail sent or failed.
import 'server-only';
import { z } from 'zod';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import type { RequestContext } from '../context';
import type { Mailer } from './mailer';
import { runNotificationTick, type NotificationTickResult } from './tick';

const sendDueSchema = z.strictObject({});

export async function sendDueNotificationsNow(
  context: RequestContext,
  rawInput: unknown,
  deps: { mailer: Mailer; publicUrl: URL; now?: Date },
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
  const result = await runNotificationTick(db, { mailer: deps.mailer, publicUrl: deps.publicUrl, now: deps.now, actor });
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
  if (!authorize(context.actor, 'mailbox.read').allowed) return fail('forbidden', 'The mailbox is visible to admins.');
  const db = getDb();
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

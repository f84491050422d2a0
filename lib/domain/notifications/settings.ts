// Notification preferences (issue 17): each user chooses, per event, e-mail at once, a daily digest
// or in-app only; without a choice of their own the organisation's default applies, which admins
// set together with the reminder days (how long before a rotate-by date the owners hear of it).
// Every change is audited with its values before and after.
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import { getConfig } from '@/lib/config';
import { getDb, type Database, type Prisma } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { NOTIFICATION_EVENTS, type NotificationChoice, type NotificationEvent } from '@/lib/notifications/events';
import { parseNotificationSettings, preferencesInputSchema, settingsInputSchema, type NotificationSettingsValues } from '@/lib/validations/notifications';
import type { RequestContext } from '../context';
import { runMutation } from '../mutation';
import type { MailTransportKind } from './mailer';

type SettingsReader = Pick<Prisma.TransactionClient, 'notificationSettings'> | Database;

export async function readNotificationSettings(db: SettingsReader): Promise<NotificationSettingsValues> {
  const row = await db.notificationSettings.findUnique({ where: { id: 1 } });
  return parseNotificationSettings(row?.values);
}

export interface PreferencesView {
  /** The user's own choice per event, or null where the organisation's default applies. */
  own: Record<NotificationEvent, NotificationChoice | null>;
  /** What applies (own choice, else default). */
  effective: Record<NotificationEvent, NotificationChoice>;
  settings: NotificationSettingsValues;
  mailTransport: MailTransportKind;
  canEditDefaults: boolean;
}

export async function getPreferencesView(context: RequestContext): Promise<ActionResult<PreferencesView>> {
  if (!authorize(context.actor, 'dashboard.read').allowed) return fail('forbidden', 'You do not have permission to see this page.');
  const db = getDb();
  const [settings, rows] = await Promise.all([readNotificationSettings(db), db.notificationPreference.findMany({ where: { userId: context.actor.id } })]);
  const own = Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, rows.find((row) => row.event === event)?.choice ?? null])) as PreferencesView['own'];
  const effective = Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, own[event] ?? settings.defaults[event]])) as PreferencesView['effective'];
  return ok({ own, effective, settings, mailTransport: getConfig().mail.transport, canEditDefaults: authorize(context.actor, 'notification.manage_defaults').allowed });
}

/** The caller's own choices (every role; notification.manage). */
export function updateOwnPreferences(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof preferencesInputSchema, { changed: NotificationEvent[] }>(
    context,
    {
      action: 'notification.manage',
      auditAction: () => 'notification.update_preferences',
      schema: preferencesInputSchema,
      target: () => ({ type: 'user', id: context.actor.id }),
      run: async (tx, input) => {
        const before = await tx.notificationPreference.findMany({ where: { userId: context.actor.id } });
        const settings = await readNotificationSettings(tx);
        const previous = (event: NotificationEvent) => before.find((row) => row.event === event)?.choice ?? settings.defaults[event];
        const changed = NOTIFICATION_EVENTS.filter((event) => input.choices[event] !== previous(event));
        for (const event of NOTIFICATION_EVENTS) {
          await tx.notificationPreference.upsert({
            where: { userId_event: { userId: context.actor.id, event } },
            create: { userId: context.actor.id, event, choice: input.choices[event] },
            update: { choice: input.choices[event] },
          });
        }
        return {
          data: { changed },
          details: {
            changed,
            before: Object.fromEntries(changed.map((event) => [event, previous(event)])),
            after: Object.fromEntries(changed.map((event) => [event, input.choices[event]])),
          },
        };
      },
    },
    rawInput,
  );
}

/** The organisation's defaults and reminder days (admins; notification.manage_defaults). */
export function updateNotificationSettings(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof settingsInputSchema, NotificationSettingsValues>(
    context,
    {
      action: 'notification.manage_defaults',
      schema: settingsInputSchema,
      target: () => ({ type: 'notification_settings', id: 'organisation' }),
      run: async (tx, input) => {
        const before = await readNotificationSettings(tx);
        const values: NotificationSettingsValues = {
          defaults: input.defaults,
          reminderDays: input.reminderDays,
          revocationOpenHours: input.revocationOpenHours ?? before.revocationOpenHours,
          campaignDueDays: input.campaignDueDays ?? before.campaignDueDays,
        };
        const json = { defaults: { ...values.defaults }, reminderDays: [...values.reminderDays], revocationOpenHours: values.revocationOpenHours, campaignDueDays: values.campaignDueDays };
        await tx.notificationSettings.upsert({
          where: { id: 1 },
          create: { id: 1, values: json, updatedById: context.actor.id },
          update: { values: json, updatedById: context.actor.id },
        });
        return { data: values, details: { before: { defaults: { ...before.defaults }, reminderDays: before.reminderDays, revocationOpenHours: before.revocationOpenHours, campaignDueDays: before.campaignDueDays }, after: json } };
      },
    },
    rawInput,
  );
}

// Notification preferences (each user's own) and the organisation's settings (admins): a choice per
// event, and the days before a rotate-by date that reminders go out. The stored settings row is read
// leniently (`parseNotificationSettings`): a missing or invalid value takes its default.
import { z } from 'zod';
import {
  DEFAULT_EVENT_CHOICES,
  DEFAULT_REMINDER_DAYS,
  NOTIFICATION_CHOICES,
  NOTIFICATION_EVENTS,
  REMINDER_DAYS_BOUNDS,
  type NotificationChoice,
  type NotificationEvent,
} from '@/lib/notifications/events';

const choice = z.enum(NOTIFICATION_CHOICES, { error: 'Choose e-mail, daily digest or in-app only.' });

/** One choice per event, every event present (the form always sends them all). */
const choicesSchema = z.strictObject(Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, choice])) as Record<NotificationEvent, typeof choice>);

/** "14, 3" or [14, 3]: whole days, distinct, sorted from the farthest. */
export const reminderDaysSchema = z
  .union([z.string(), z.array(z.coerce.number())])
  .transform((value) => (typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean).map(Number) : value))
  .pipe(
    z
      .array(
        z
          .number({ error: 'Use whole numbers of days.' })
          .int({ error: 'Use whole numbers of days.' })
          .min(REMINDER_DAYS_BOUNDS.min, { error: `At least ${REMINDER_DAYS_BOUNDS.min} day.` })
          .max(REMINDER_DAYS_BOUNDS.max, { error: `At most ${REMINDER_DAYS_BOUNDS.max} days.` }),
        { error: 'Use whole numbers of days, separated by commas.' },
      )
      .min(1, { error: 'Give at least one day, e.g. 14, 3.' })
      .max(REMINDER_DAYS_BOUNDS.count, { error: `At most ${REMINDER_DAYS_BOUNDS.count} reminders.` })
      .transform((days) => [...new Set(days)].sort((a, b) => b - a)),
  );

export const preferencesInputSchema = z.strictObject({ choices: choicesSchema });
export type PreferencesInput = z.infer<typeof preferencesInputSchema>;

export const settingsInputSchema = z.strictObject({ defaults: choicesSchema, reminderDays: reminderDaysSchema });

export interface NotificationSettingsValues {
  defaults: Record<NotificationEvent, NotificationChoice>;
  reminderDays: number[];
}

export function parseNotificationSettings(stored: unknown): NotificationSettingsValues {
  const source = typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const storedDefaults = typeof source.defaults === 'object' && source.defaults !== null ? (source.defaults as Record<string, unknown>) : {};
  const defaults = Object.fromEntries(
    NOTIFICATION_EVENTS.map((event) => {
      const parsed = choice.safeParse(storedDefaults[event]);
      return [event, parsed.success ? parsed.data : DEFAULT_EVENT_CHOICES[event]];
    }),
  ) as Record<NotificationEvent, NotificationChoice>;
  const days = reminderDaysSchema.safeParse(source.reminderDays);
  return { defaults, reminderDays: days.success ? days.data : [...DEFAULT_REMINDER_DAYS] };
}

export const notificationIdSchema = z.strictObject({ notificationId: z.uuid({ error: 'Unknown notification.' }) });
export const markAllReadSchema = z.strictObject({ all: z.literal(true) });
/** One notification (`{ notificationId }`) or all of the caller's (`{ all: true }`). */
export const markReadSchema = z.union([notificationIdSchema, markAllReadSchema]);

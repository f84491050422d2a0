// Notification preferences (each user's own) and the organisation's settings (admins): a choice per
// event, and the days before a rotate-by date that reminders go out. The stored settings row is read
// leniently (`parseNotificationSettings`): a missing or invalid value takes its default.
import { z } from 'zod';
import {
  CAMPAIGN_DUE_DAYS_BOUNDS,
  DEFAULT_CAMPAIGN_DUE_DAYS,
  DEFAULT_EVENT_CHOICES,
  DEFAULT_REVOCATION_OPEN_HOURS,
  DEFAULT_REMINDER_DAYS,
  NOTIFICATION_CHOICES,
  NOTIFICATION_EVENTS,
  REMINDER_DAYS_BOUNDS,
  REVOCATION_OPEN_HOURS_BOUNDS,
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

const wholeNumber = (bounds: { min: number; max: number }, unit: string) =>
  z.coerce
    .number({ error: `Use a whole number of ${unit}.` })
    .int({ error: `Use a whole number of ${unit}.` })
    .min(bounds.min, { error: `At least ${bounds.min}.` })
    .max(bounds.max, { error: `At most ${bounds.max} ${unit}.` });

export const revocationOpenHoursSchema = wholeNumber(REVOCATION_OPEN_HOURS_BOUNDS, 'hours');
export const campaignDueDaysSchema = wholeNumber(CAMPAIGN_DUE_DAYS_BOUNDS, 'days');

/** The two thresholds are optional: a caller that leaves one out keeps the stored value. */
export const settingsInputSchema = z.strictObject({
  defaults: choicesSchema,
  reminderDays: reminderDaysSchema,
  revocationOpenHours: revocationOpenHoursSchema.optional(),
  campaignDueDays: campaignDueDaysSchema.optional(),
});

export interface NotificationSettingsValues {
  defaults: Record<NotificationEvent, NotificationChoice>;
  reminderDays: number[];
  /** A revocation with open work is announced after this many hours. */
  revocationOpenHours: number;
  /** Reviewers hear of an open campaign this many days before it is due. */
  campaignDueDays: number;
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
  const hours = revocationOpenHoursSchema.safeParse(source.revocationOpenHours);
  const campaignDays = campaignDueDaysSchema.safeParse(source.campaignDueDays);
  return {
    defaults,
    reminderDays: days.success ? days.data : [...DEFAULT_REMINDER_DAYS],
    revocationOpenHours: hours.success ? hours.data : DEFAULT_REVOCATION_OPEN_HOURS,
    campaignDueDays: campaignDays.success ? campaignDays.data : DEFAULT_CAMPAIGN_DUE_DAYS,
  };
}

export const notificationIdSchema = z.strictObject({ notificationId: z.uuid({ error: 'Unknown notification.' }) });
export const markAllReadSchema = z.strictObject({ all: z.literal(true) });
/** One notification (`{ notificationId }`) or all of the caller's (`{ all: true }`). */
export const markReadSchema = z.union([notificationIdSchema, markAllReadSchema]);

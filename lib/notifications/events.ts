// What Keywarden tells people about (issue 17), in plain words for the preferences page, the bell
// and the e-mails. Plain constants: the components import them (no zod, no server code).

export const NOTIFICATION_EVENTS = ['rotation_due_soon', 'rotation_due_today', 'rotation_overdue', 'finding_high'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_CHOICES = ['email', 'digest', 'none'] as const;
export type NotificationChoice = (typeof NOTIFICATION_CHOICES)[number];

export const EVENT_LABELS: Record<NotificationEvent, { label: string; recipients: string }> = {
  rotation_due_soon: { label: 'A token’s rotate-by date is near', recipients: 'the machine user’s owner and backup owner' },
  rotation_due_today: { label: 'A token is due for rotation today', recipients: 'the machine user’s owner and backup owner' },
  rotation_overdue: { label: 'A token is past its rotate-by date (then weekly)', recipients: 'the machine user’s owner and backup owner' },
  finding_high: { label: 'A high or critical finding appears', recipients: 'admins, and onboarders assigned to its project' },
};

export const CHOICE_LABELS: Record<NotificationChoice, string> = {
  email: 'E-mail at once',
  digest: 'Daily digest',
  none: 'In-app only',
};

/** The organisation's defaults until an admin changes them: every event by e-mail; reminders 14 and 3 days before. */
export const DEFAULT_EVENT_CHOICES: Record<NotificationEvent, NotificationChoice> = {
  rotation_due_soon: 'email',
  rotation_due_today: 'email',
  rotation_overdue: 'email',
  finding_high: 'email',
};
export const DEFAULT_REMINDER_DAYS: readonly number[] = [14, 3];
export const REMINDER_DAYS_BOUNDS = { min: 1, max: 365, count: 5 } as const;

export function isNotificationEvent(value: string): value is NotificationEvent {
  return (NOTIFICATION_EVENTS as readonly string[]).includes(value);
}

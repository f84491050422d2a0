// What Keywarden tells people about (issue 17), in plain words for the preferences page, the bell
// and the e-mails. Plain constants: the components import them (no zod, no server code).

export const NOTIFICATION_EVENTS = [
  'rotation_due_soon',
  'rotation_due_today',
  'rotation_overdue',
  'finding_high',
  'drift_detected',
  'push_failed',
  'sync_failed',
  'revocation_open',
  'campaign_started',
  'campaign_due_soon',
  'campaign_overdue',
  'compromised_token_used',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_CHOICES = ['email', 'digest', 'none'] as const;
export type NotificationChoice = (typeof NOTIFICATION_CHOICES)[number];

export const EVENT_LABELS: Record<NotificationEvent, { label: string; recipients: string }> = {
  rotation_due_soon: { label: 'A token’s rotate-by date is near', recipients: 'the machine user’s owner and backup owner' },
  rotation_due_today: { label: 'A token is due for rotation today', recipients: 'the machine user’s owner and backup owner' },
  rotation_overdue: { label: 'A token is past its rotate-by date (then weekly)', recipients: 'the machine user’s owner and backup owner' },
  finding_high: { label: 'A high or critical finding appears', recipients: 'admins, and onboarders assigned to its project' },
  drift_detected: { label: 'Drift is detected (a variable, roles or access changed outside Keywarden)', recipients: 'admins, and onboarders assigned to its project' },
  push_failed: { label: 'A push or rotation failed or stayed partial', recipients: 'whoever started it, and admins' },
  sync_failed: { label: 'An inventory sync failed or stayed partial', recipients: 'whoever started it, and admins' },
  revocation_open: { label: 'A revocation still has open work after some hours', recipients: 'whoever started it, and admins' },
  campaign_started: { label: 'An access-review campaign starts', recipients: 'reviewers (admins when there are none)' },
  campaign_due_soon: { label: 'An access-review campaign is due soon', recipients: 'reviewers (admins when there are none)' },
  campaign_overdue: { label: 'An access-review campaign is overdue (then weekly)', recipients: 'reviewers (admins when there are none)' },
  compromised_token_used: { label: 'A compromised token is seen used after it was marked', recipients: 'admins, at once' },
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
  drift_detected: 'email',
  push_failed: 'email',
  sync_failed: 'email',
  revocation_open: 'email',
  campaign_started: 'email',
  campaign_due_soon: 'email',
  campaign_overdue: 'email',
  compromised_token_used: 'email',
};
export const DEFAULT_REMINDER_DAYS: readonly number[] = [14, 3];
/** A revocation's open work (variables not deleted, token not deleted on Platform.sh) is announced after this many hours. */
export const DEFAULT_REVOCATION_OPEN_HOURS = 24;
export const REVOCATION_OPEN_HOURS_BOUNDS = { min: 1, max: 24 * 30 } as const;
/** Reviewers hear of an open campaign this many days before its due date. */
export const DEFAULT_CAMPAIGN_DUE_DAYS = 7;
export const CAMPAIGN_DUE_DAYS_BOUNDS = { min: 1, max: 90 } as const;
export const REMINDER_DAYS_BOUNDS = { min: 1, max: 365, count: 5 } as const;

export function isNotificationEvent(value: string): value is NotificationEvent {
  return (NOTIFICATION_EVENTS as readonly string[]).includes(value);
}

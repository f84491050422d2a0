import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_CHOICES } from '@/lib/notifications/events';
import { parseNotificationSettings, reminderDaysSchema, settingsInputSchema } from './notifications';

describe('reminder days', () => {
  it('takes "14, 3" or a list; sorted from the farthest, without repeats', () => {
    expect(reminderDaysSchema.parse('3, 14 ,3')).toEqual([14, 3]);
    expect(reminderDaysSchema.parse([7, 30])).toEqual([30, 7]);
  });

  it.each(['', '0', '3.5', 'soon', '400', '1,2,3,4,5,6'])('refuses %j', (value) => {
    expect(reminderDaysSchema.safeParse(value).success).toBe(false);
  });
});

describe('organisation settings', () => {
  it('need a choice for every event', () => {
    expect(settingsInputSchema.safeParse({ reminderDays: '14', defaults: { rotation_due_soon: 'email' } }).success).toBe(false);
    expect(settingsInputSchema.safeParse({ reminderDays: '14', defaults: { ...DEFAULT_EVENT_CHOICES, finding_high: 'loud' } }).success).toBe(false);
    expect(settingsInputSchema.safeParse({ reminderDays: '14', defaults: DEFAULT_EVENT_CHOICES, revocationOpenHours: '0' }).success).toBe(false);
    expect(settingsInputSchema.parse({ reminderDays: '14', defaults: DEFAULT_EVENT_CHOICES, revocationOpenHours: '48', campaignDueDays: 5 })).toMatchObject({ revocationOpenHours: 48, campaignDueDays: 5 });
  });

  it('read a stored row leniently: what is missing or invalid takes its default', () => {
    expect(parseNotificationSettings(null)).toEqual({ defaults: DEFAULT_EVENT_CHOICES, reminderDays: [14, 3], revocationOpenHours: 24, campaignDueDays: 7 });
    expect(parseNotificationSettings({ defaults: { finding_high: 'none', rotation_overdue: 'loud' }, reminderDays: 'x', revocationOpenHours: 0, campaignDueDays: '3' })).toEqual({
      defaults: { ...DEFAULT_EVENT_CHOICES, finding_high: 'none' },
      reminderDays: [14, 3],
      revocationOpenHours: 24,
      campaignDueDays: 3,
    });
  });
});

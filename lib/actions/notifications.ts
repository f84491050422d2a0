'use server';
// Server actions of the notifications: the bell's list (mark read), each user's preferences, the
// organisation's defaults and "Send due reminders now" (admins). All are real forms: they work
// before hydration and without JavaScript. Fields are read once the caller is known (never before
// the session check); the domain authorizes, validates and audits.
import { revalidatePath } from 'next/cache';
import { markNotificationsRead } from '@/lib/domain/notifications/inbox';
import { sendDueNotificationsWithConfiguredMailer } from '@/lib/domain/notifications/dispatch';
import { updateNotificationSettings, updateOwnPreferences } from '@/lib/domain/notifications/settings';
import { createWebhookEndpoint, deleteWebhookEndpoint, sendWebhookTestEvent } from '@/lib/domain/notifications/webhooks';
import type { NotificationTickResult } from '@/lib/domain/notifications/tick';
import type { ActionResult } from '@/lib/errors';
import { NOTIFICATION_EVENTS } from '@/lib/notifications/events';
import { asSignedInUser } from './signed-in';
import { withSubmittedValues } from './submitted-values';

const WEBHOOKS_PAGE = '/settings/webhooks';

function choicesFrom(formData: FormData, prefix: string): Record<string, FormDataEntryValue | null> {
  return Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, formData.get(`${prefix}${event}`)]));
}

export async function updatePreferencesAction(_previous: ActionResult<{ changed: string[] }> | null, formData: FormData): Promise<ActionResult<{ changed: string[] }>> {
  return asSignedInUser('notification.manage', async (context) => {
    const result = await updateOwnPreferences(context, { choices: choicesFrom(formData, 'choice.') });
    if (result.ok) revalidatePath('/settings/notifications');
    return withSubmittedValues(formData, NOTIFICATION_EVENTS.map((event) => `choice.${event}`), result);
  }, { form: formData });
}

export async function updateNotificationSettingsAction(
  _previous: ActionResult<{ reminderDays: number[] }> | null,
  formData: FormData,
): Promise<ActionResult<{ reminderDays: number[] }>> {
  return asSignedInUser('notification.manage_defaults', async (context) => {
    const input = {
      defaults: choicesFrom(formData, 'default.'),
      reminderDays: formData.get('reminderDays') ?? '',
      revocationOpenHours: formData.get('revocationOpenHours') ?? undefined,
      campaignDueDays: formData.get('campaignDueDays') ?? undefined,
    };
    const result = await updateNotificationSettings(context, input);
    if (result.ok) revalidatePath('/settings/notifications');
    if (result.ok) return { ok: true, data: { reminderDays: result.data.reminderDays } };
    return withSubmittedValues(formData, ['reminderDays', 'revocationOpenHours', 'campaignDueDays', ...NOTIFICATION_EVENTS.map((event) => `default.${event}`)], result);
  }, { form: formData });
}

/** Marks one notification read (`notificationId`) or all of the caller's (`all=true`). */
export async function markReadAction(_previous: ActionResult<{ marked: number }> | null, formData: FormData): Promise<ActionResult<{ marked: number }>> {
  return asSignedInUser('notification.manage', async (context) => {
    const notificationId = formData.get('notificationId');
    const result = await markNotificationsRead(context, notificationId ? { notificationId } : { all: formData.get('all') === 'true' });
    if (result.ok) revalidatePath('/', 'layout');
    return result;
  }, { form: formData });
}

export async function sendDueNotificationsAction(_previous: ActionResult<NotificationTickResult> | null, _formData: FormData): Promise<ActionResult<NotificationTickResult>> {
  return asSignedInUser('notification.send_due', async (context) => {
    const result = await sendDueNotificationsWithConfiguredMailer(context, {});
    revalidatePath('/', 'layout');
    return result;
  });
}

/** Registers a webhook endpoint (admins); the secret is in the answer, once. */
export async function createWebhookAction(_previous: ActionResult<{ endpointId: string; secret: string }> | null, formData: FormData): Promise<ActionResult<{ endpointId: string; secret: string }>> {
  return asSignedInUser('webhook.manage', async (context) => {
    const input = { url: formData.get('url') ?? '', events: formData.getAll('events'), allowPrivate: formData.get('allowPrivate') === 'on', format: formData.get('format') ?? 'json' };
    const result = await createWebhookEndpoint(context, input);
    if (result.ok) revalidatePath(WEBHOOKS_PAGE);
    return withSubmittedValues(formData, ['url', 'events', 'format', 'allowPrivate'], result);
  }, { form: formData });
}

export async function deleteWebhookAction(_previous: ActionResult<{ endpointId: string }> | null, formData: FormData): Promise<ActionResult<{ endpointId: string }>> {
  return asSignedInUser('webhook.manage', async (context) => {
    const result = await deleteWebhookEndpoint(context, { endpointId: formData.get('endpointId') ?? '' });
    if (result.ok) revalidatePath(WEBHOOKS_PAGE);
    return result;
  }, { form: formData });
}

export async function sendWebhookTestAction(_previous: ActionResult<{ deliveryId: string; status: string }> | null, formData: FormData): Promise<ActionResult<{ deliveryId: string; status: string }>> {
  return asSignedInUser('webhook.manage', async (context) => {
    const result = await sendWebhookTestEvent(context, { endpointId: formData.get('endpointId') ?? '' });
    revalidatePath(WEBHOOKS_PAGE);
    return result;
  }, { form: formData });
}

// A webhook endpoint as an admin registers it: an address (checked against SSRF by the domain when
// it is saved and again on every delivery), the events it receives, and whether a private or
// loopback target is allowed.
import { z } from 'zod';
import { NOTIFICATION_EVENTS } from '@/lib/notifications/events';

export const WEBHOOK_URL_MAX_LENGTH = 2000;
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

const yesNo = z.union([z.boolean(), z.enum(['true', 'false', 'on']).transform((value) => value !== 'false')]);

export const createWebhookSchema = z.strictObject({
  url: z
    .string()
    .trim()
    .max(WEBHOOK_URL_MAX_LENGTH, { error: `Use at most ${WEBHOOK_URL_MAX_LENGTH} characters.` })
    .pipe(z.url({ protocol: /^https?$/, error: 'Enter an https:// address (http:// only for loopback).' })),
  events: z.array(z.enum(NOTIFICATION_EVENTS), { error: 'Choose the events it receives.' }).min(1, { error: 'Choose at least one event.' }),
  allowPrivate: yesNo.default(false),
  /** "json": Keywarden's body; "slack": `{ text, blocks }` for a Slack-compatible incoming webhook. */
  format: z.enum(WEBHOOK_FORMATS, { error: 'Choose Keywarden JSON or Slack-compatible.' }).default('json'),
});

export const webhookIdSchema = z.strictObject({ endpointId: z.uuid({ error: 'Unknown endpoint.' }) });

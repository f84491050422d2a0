// Webhooks (issue 17): an admin registers an endpoint (URL, events, a secret shown once); each
// notification occurrence of a subscribed event is POSTed to it once as JSON, signed with
// HMAC-SHA256 over "<timestamp>.<body>" in the `Keywarden-Signature: t=<unix seconds>,v1=<hex>`
// header (a receiver recomputes it and refuses a timestamp older than 5 minutes: the replay window).
//
// SSRF (SECURITY.md N1): https only, except http to loopback; no loopback, private, link-local or
// otherwise internal address unless an admin allowed it for that endpoint. The address is checked
// when the endpoint is saved and again on every delivery, on the IP the connection actually uses
// (a lookup hook on the request), so a DNS answer that changes after the check cannot redirect a
// delivery inside. Redirects are not followed.
//
// Deliveries are rows with a log (status, attempts, last HTTP status or error, next attempt):
// `deliverPendingWebhooks` sends what is due and schedules a retry with exponential backoff; the
// job queue is meant to call it (the notification tick calls it too). Never a token value,
// fingerprint or secret in a body or a log: bodies are built from notification metadata, and errors
// are redacted by value.
import 'server-only';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { authorize, type Actor } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb, type Database, type Prisma } from '@/lib/db';
import { AppError, fail, ok, type ActionResult } from '@/lib/errors';
import type { NotificationEvent } from '@/lib/notifications/events';
import { knownSecrets, redactText } from '@/lib/security/redact';
import { createWebhookSchema, webhookIdSchema, type WebhookFormat } from '@/lib/validations/webhooks';
import type { RequestContext } from '../context';
import { runMutation } from '../mutation';

export const SIGNATURE_HEADER = 'Keywarden-Signature';
export const REPLAY_WINDOW_SECONDS = 300;
export const WEBHOOK_MAX_ATTEMPTS = 5;
const WEBHOOK_TIMEOUT_MS = 10_000;
/** Retry delays: 1, 2, 4, 8 minutes after attempts 1–4. */
const BACKOFF_BASE_MS = 60_000;

// Addresses a webhook may not reach unless allowed: loopback, private (RFC 1918, ULA), link-local,
// carrier-grade NAT, "this network", multicast and reserved ranges.
const INTERNAL = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  INTERNAL.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  // NAT64's local-use prefix (RFC 8215): translated by the site's own gateway, to wherever it maps.
  ['64:ff9b:1::', 48],
] as const) {
  INTERNAL.addSubnet(address, prefix, 'ipv6');
}

/** An IPv6 address's eight 16-bit groups (a trailing dotted IPv4 part counts as two). */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = dotted ? `${address.slice(0, dotted.index)}${((Number(dotted[1]) << 8) | Number(dotted[2])).toString(16)}:${((Number(dotted[3]) << 8) | Number(dotted[4])).toString(16)}` : address;
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const [before, after] = [groups(head), groups(tail ?? '')];
  return tail === undefined ? before : [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/**
 * The IPv4 address an IPv6 one stands for, where the network itself translates it: the NAT64
 * well-known prefix (64:ff9b::/96, RFC 6052; an IPv6-only host with DNS64 reaches 169.254.169.254
 * as 64:ff9b::a9fe:a9fe) and the deprecated IPv4-compatible form (::a.b.c.d).
 */
function embeddedIpv4(address: string): string | null {
  const groups = ipv6Groups(address);
  const isZero = (from: number) => groups.slice(from, 6).every((group) => group === 0);
  const isNat64 = groups[0] === 0x64 && groups[1] === 0xff9b && isZero(2);
  if (!isNat64 && !isZero(0)) return null;
  const [high = 0, low = 0] = groups.slice(6);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const translated = embeddedIpv4(address);
    if (translated !== null && INTERNAL.check(translated, 'ipv4')) return true;
  }
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const isLoopbackName = (hostname: string) => hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);

/** The URL's problem in plain words, or null (before any lookup: scheme, credentials, port). */
export function webhookUrlProblem(url: URL, allowPrivate: boolean): string | null {
  if (url.username || url.password) return 'The address may not carry a user name or password.';
  if (url.protocol === 'http:' && !isLoopbackName(url.hostname)) return 'Use https:// (http:// is accepted only for loopback).';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Use https://.';
  if (isLoopbackName(url.hostname) && !allowPrivate) return 'That is a loopback address: allow private targets for this endpoint to use it.';
  return null;
}

/** A DNS lookup that refuses internal addresses (unless allowed): used on the connection itself. */
function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: false }, (error, address, family) => {
      if (error) return callback(error, '', 0);
      if (!allowPrivate && isInternalAddress(String(address))) {
        return callback(Object.assign(new Error(`${hostname} resolves to an internal address (${address}); allow private targets for this endpoint to use it`), { code: 'EBLOCKED' }), '', 0);
      }
      callback(null, address as string, family as number);
    });
  };
}

/** Checks a URL's host as the delivery will resolve it; throws an AppError with the reason. */
async function checkTarget(url: URL, allowPrivate: boolean): Promise<void> {
  const problem = webhookUrlProblem(url, allowPrivate);
  if (problem) throw new AppError('invalid_input', problem, { url: [problem] });
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(hostname) ? [hostname] : (await dns.promises.lookup(hostname, { all: true })).map((entry) => entry.address);
  } catch {
    throw new AppError('invalid_input', `${url.hostname} does not resolve.`, { url: [`${url.hostname} does not resolve.`] });
  }
  if (!allowPrivate && addresses.some(isInternalAddress)) {
    const message = `${url.hostname} is an internal address; allow private targets for this endpoint to use it.`;
    throw new AppError('invalid_input', message, { url: [message] });
  }
}

/** Slack's mrkdwn needs &, < and > escaped; everything else is literal. */
const slackEscape = (value: string) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * The body an endpoint receives: Keywarden's JSON as stored in the log, or for a Slack-compatible
 * endpoint `{ text, blocks }` built from it (text is the notification's fallback; blocks show the
 * title, the body and the link). Either way it is what gets signed.
 */
export function webhookBody(payload: Prisma.JsonValue, format: string): string {
  if (format !== 'slack') return JSON.stringify(payload);
  const fields = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : {};
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  const [title, body, link, event] = [text('title'), text('body'), text('link'), text('event')];
  const linkMarkup = link ? ` <${slackEscape(link)}|Open in Keywarden>` : '';
  return JSON.stringify({
    text: `${slackEscape(title)}${linkMarkup}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(title)}*\n${slackEscape(body)}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Keywarden · ${slackEscape(event)}${linkMarkup ? ` ·${linkMarkup}` : ''}` }] },
    ],
  });
}

export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** What a receiver does (documented in the README): recompute, compare, refuse an old timestamp. */
export function verifyWebhookSignature(secret: string, header: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > REPLAY_WINDOW_SECONDS) return false;
  const expected = signWebhookBody(secret, timestamp, body);
  return typeof parts.v1 === 'string' && parts.v1.length === expected.length && timingSafeEqual(Buffer.from(parts.v1), Buffer.from(expected));
}

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: NotificationEvent[];
  allowPrivate: boolean;
  format: WebhookFormat;
  createdAt: string;
  deliveries: { id: string; event: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null; createdAt: string; deliveredAt: string | null }[];
}

export async function listWebhookEndpoints(context: RequestContext): Promise<ActionResult<WebhookEndpointView[]>> {
  if (!authorize(context.actor, 'webhook.manage').allowed) return fail('forbidden', 'Webhooks are managed by admins.');
  const rows = await getDb().webhookEndpoint.findMany({
    orderBy: { createdAt: 'desc' },
    include: { deliveries: { orderBy: { createdAt: 'desc' }, take: 10 } },
  });
  return ok(
    rows.map((row) => ({
      id: row.id,
      url: row.url,
      events: row.events,
      allowPrivate: row.allowPrivate,
      format: row.format === 'slack' ? 'slack' : 'json',
      createdAt: row.createdAt.toISOString(),
      deliveries: row.deliveries.map((delivery) => ({
        id: delivery.id,
        event: delivery.event,
        status: delivery.status,
        attempts: delivery.attempts,
        lastStatusCode: delivery.lastStatusCode,
        lastError: delivery.lastError,
        createdAt: delivery.createdAt.toISOString(),
        deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
      })),
    })),
  );
}

/** Registers an endpoint (admins); the secret is in the answer, once. */
export function createWebhookEndpoint(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof createWebhookSchema, { endpointId: string; secret: string }>(
    context,
    {
      action: 'webhook.manage',
      auditAction: () => 'webhook.create',
      schema: createWebhookSchema,
      target: () => ({ type: 'webhook' }),
      run: async (tx, input) => {
        const url = new URL(input.url);
        await checkTarget(url, input.allowPrivate);
        const secret = `whsec_${randomBytes(32).toString('base64url')}`;
        const row = await tx.webhookEndpoint.create({ data: { url: url.toString(), events: input.events, secret, allowPrivate: input.allowPrivate, format: input.format, createdById: context.actor.id } });
        return { data: { endpointId: row.id, secret }, details: { endpointId: row.id, url: url.toString(), events: input.events, allowPrivate: input.allowPrivate, format: input.format } };
      },
    },
    rawInput,
  );
}

export function deleteWebhookEndpoint(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof webhookIdSchema, { endpointId: string }>(
    context,
    {
      action: 'webhook.manage',
      auditAction: () => 'webhook.delete',
      schema: webhookIdSchema,
      target: (input) => ({ type: 'webhook', id: input.endpointId }),
      run: async (tx, input) => {
        const row = await tx.webhookEndpoint.findUnique({ where: { id: input.endpointId } });
        if (!row) throw new AppError('not_found', 'That endpoint does not exist.');
        await tx.webhookEndpoint.delete({ where: { id: row.id } });
        return { data: { endpointId: row.id }, details: { url: row.url } };
      },
    },
    rawInput,
  );
}

/** "Send test event": a signed `test` delivery, sent at once; its outcome is in the log. */
export async function sendWebhookTestEvent(context: RequestContext, rawInput: unknown, now = new Date()): Promise<ActionResult<{ deliveryId: string; status: string }>> {
  const created = await runMutation<typeof webhookIdSchema, { deliveryId: string }>(
    context,
    {
      action: 'webhook.manage',
      auditAction: () => 'webhook.test',
      schema: webhookIdSchema,
      target: (input) => ({ type: 'webhook', id: input.endpointId }),
      run: async (tx, input) => {
        if (!(await tx.webhookEndpoint.findUnique({ where: { id: input.endpointId }, select: { id: true } }))) throw new AppError('not_found', 'That endpoint does not exist.');
        const dedupKey = `test:${randomBytes(8).toString('hex')}`;
        const payload = { id: dedupKey, event: 'test', occurredAt: now.toISOString(), title: 'Test event from Keywarden', body: 'If you can read this, the endpoint receives and can verify Keywarden’s webhooks.', link: null };
        const row = await tx.webhookDelivery.create({ data: { endpointId: input.endpointId, event: 'test', dedupKey, payload, nextAttemptAt: now } });
        return { data: { deliveryId: row.id } };
      },
    },
    rawInput,
  );
  if (!created.ok) return created;
  await deliverPendingWebhooks(getDb(), { now, actor: context.actor, only: [created.data.deliveryId] });
  const row = await getDb().webhookDelivery.findUniqueOrThrow({ where: { id: created.data.deliveryId } });
  return ok({ deliveryId: row.id, status: row.status });
}

export interface WebhookOccurrence {
  event: NotificationEvent;
  dedupKey: string;
  title: string;
  body: string;
  linkPath: string;
}

/** One delivery per subscribed endpoint and occurrence (an occurrence already queued is skipped). */
export async function enqueueWebhookEvents(db: Database | Prisma.TransactionClient, occurrences: WebhookOccurrence[], publicUrl: URL, now: Date): Promise<number> {
  if (occurrences.length === 0) return 0;
  const endpoints = await db.webhookEndpoint.findMany({ select: { id: true, events: true } });
  const rows = endpoints.flatMap((endpoint) =>
    occurrences
      .filter((occurrence) => endpoint.events.includes(occurrence.event))
      .map((occurrence) => ({
        endpointId: endpoint.id,
        event: occurrence.event,
        dedupKey: occurrence.dedupKey,
        nextAttemptAt: now,
        createdAt: now,
        payload: { id: occurrence.dedupKey, event: occurrence.event, occurredAt: now.toISOString(), title: occurrence.title, body: occurrence.body, link: new URL(occurrence.linkPath, publicUrl).toString() },
      })),
  );
  if (rows.length === 0) return 0;
  return (await db.webhookDelivery.createMany({ data: rows, skipDuplicates: true })).count;
}

function post(url: URL, body: string, headers: Record<string, string>, allowPrivate: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'Keywarden-Webhooks', ...headers }, lookup: guardedLookup(allowPrivate), timeout: WEBHOOK_TIMEOUT_MS },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Sends the deliveries that are due (claimed with FOR UPDATE SKIP LOCKED, so one instance sends
 * each), records the outcome, and schedules a retry (exponential backoff, up to
 * WEBHOOK_MAX_ATTEMPTS) for a network error, a timeout, a 429 or a 5xx. For the job queue.
 */
export async function deliverPendingWebhooks(
  db: Database,
  options: { now?: Date; actor?: Pick<Actor, 'id' | 'email' | 'role'> | null; only?: string[] } = {},
): Promise<{ delivered: number; failed: number }> {
  const now = options.now ?? new Date();
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= ${now}
      ORDER BY next_attempt_at LIMIT 100
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  const ids = claimed.map((row) => row.id).filter((id) => !options.only || options.only.includes(id));
  // Rows claimed but not ours to send now (a test event asks for its own only) go back as they were.
  const others = claimed.map((row) => row.id).filter((id) => !ids.includes(id));
  if (others.length > 0) await db.$executeRaw`UPDATE webhook_deliveries SET status = 'pending', attempts = attempts - 1 WHERE id = ANY(${others}::uuid[])`;
  let delivered = 0;
  let failed = 0;
  const deliveries = await db.webhookDelivery.findMany({ where: { id: { in: ids } }, include: { endpoint: true } });
  for (const delivery of deliveries) {
    const body = webhookBody(delivery.payload, delivery.endpoint.format);
    const timestamp = Math.floor(now.getTime() / 1000);
    const signature = `t=${timestamp},v1=${signWebhookBody(delivery.endpoint.secret, timestamp, body)}`;
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await post(new URL(delivery.endpoint.url), body, { [SIGNATURE_HEADER]: signature, 'Keywarden-Event': delivery.event, 'Keywarden-Delivery': delivery.id }, delivery.endpoint.allowPrivate);
      if (statusCode < 200 || statusCode >= 300) error = `the endpoint answered HTTP ${statusCode}`;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const reason = error ? redactText(error, [delivery.endpoint.secret, ...knownSecrets()]).slice(0, 300) : null;
    const retryable = error !== null && (statusCode === null || statusCode === 429 || statusCode >= 500);
    const retry = retryable && delivery.attempts < WEBHOOK_MAX_ATTEMPTS;
    await db.webhookDelivery.update({
      where: { id: delivery.id },
      data: error
        ? { status: retry ? 'pending' : 'failed', lastStatusCode: statusCode, lastError: reason, nextAttemptAt: new Date(now.getTime() + BACKOFF_BASE_MS * 2 ** (delivery.attempts - 1)) }
        : { status: 'succeeded', lastStatusCode: statusCode, lastError: null, deliveredAt: new Date() },
    });
    await recordAudit(db, {
      actor: options.actor ?? null,
      action: error ? 'webhook.delivery_failed' : 'webhook.delivered',
      outcome: error ? 'failed' : 'succeeded',
      reason: reason ?? undefined,
      target: { type: 'webhook', id: delivery.endpointId, name: delivery.endpoint.url },
      details: { deliveryId: delivery.id, event: delivery.event, attempt: delivery.attempts, statusCode, willRetry: retry },
      secrets: [delivery.endpoint.secret],
    });
    if (error) failed++;
    else delivered++;
  }
  return { delivered, failed };
}

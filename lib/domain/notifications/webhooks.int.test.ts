// Webhooks against a real HTTP receiver on loopback, on PGlite and PostgreSQL: SSRF checks when an
// endpoint is saved and on the connection itself; a notification occurrence POSTed once, signed so
// that it verifies (and fails to verify when tampered with or too old); retries with backoff after
// a 5xx; the "send test event" button; every delivery audited; no secret in a body or a log.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { DAY, machineUser, owner, project, token } from '@/lib/testing/findings';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { createMailer } from './mailer';
import { runNotificationTick } from './tick';
import { createWebhookEndpoint, isInternalAddress, REPLAY_WINDOW_SECONDS, sendWebhookTestEvent, SIGNATURE_HEADER, verifyWebhookSignature, webhookUrlProblem } from './webhooks';

const PUBLIC_URL = new URL('https://keys.example.com');

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('SSRF rules', () => {
  it('refuses internal addresses, in IPv4, IPv6 and IPv4-mapped forms', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    // An IPv6 address the network translates to an internal IPv4 one: NAT64 (an IPv6-only host with
    // DNS64 reaches the metadata service as 64:ff9b::a9fe:a9fe), its local-use prefix, IPv4-compatible.
    for (const address of ['64:ff9b::a9fe:a9fe', '64:ff9b::169.254.169.254', '64:ff9b::a00:1', '64:ff9b:1::a00:1', '::7f00:1', '::10.0.0.1']) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '64:ff9b::8.8.8.8']) expect(isInternalAddress(address), address).toBe(false);
  });

  it('wants https outside loopback, and loopback only when allowed', () => {
    expect(webhookUrlProblem(new URL('http://hooks.example.com/x'), true)).toMatch(/https/);
    expect(webhookUrlProblem(new URL('http://127.0.0.1:8080/x'), false)).toMatch(/loopback/);
    expect(webhookUrlProblem(new URL('http://127.0.0.1:8080/x'), true)).toBeNull();
    expect(webhookUrlProblem(new URL('https://user:pw@hooks.example.com/x'), false)).toMatch(/password/);
    expect(webhookUrlProblem(new URL('https://hooks.example.com/x'), false)).toBeNull();
  });
});

describe.each(TEST_DATABASE_KINDS)('webhooks on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let server: http.Server;
  let base: string;
  const received: Received[] = [];
  let answer = 204;

  const mailer = () => createMailer({ transport: 'sandbox-mailbox', from: 'Keywarden <k@keys.example.com>' }, db);
  const tick = (now: Date) => runNotificationTick(db, { now, mailer: mailer(), publicUrl: PUBLIC_URL });

  beforeAll(async () => {
    db = database.db;
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  beforeEach(async () => {
    received.length = 0;
    answer = 204;
    await db.webhookEndpoint.deleteMany();
    await db.apiToken.updateMany({ where: { status: 'active' }, data: { status: 'superseded' } });
  });

  async function register(events: string[] = ['rotation_due_soon', 'rotation_due_today'], format?: 'json' | 'slack') {
    const admin = contextFor(await createUser(db, { role: 'admin' }));
    const result = await createWebhookEndpoint(admin, { url: `${base}/hook`, events, allowPrivate: true, ...(format ? { format } : {}) });
    if (!result.ok) throw new Error(result.error.message);
    return { admin, ...result.data };
  }

  it('refuses internal targets unless allowed, and shows the secret only in the answer', async () => {
    const admin = contextFor(await createUser(db, { role: 'admin' }));
    for (const url of ['https://10.0.0.5/hook', 'https://169.254.169.254/latest', 'https://[::1]/hook', `${base}/hook`]) {
      expect(await createWebhookEndpoint(admin, { url, events: ['finding_high'] }), url).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { url: [expect.any(String)] } } });
    }
    expect(await createWebhookEndpoint(admin, { url: 'http://hooks.example.com/x', events: ['finding_high'] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const seq = await lastAuditSeq(db);
    const created = await createWebhookEndpoint(admin, { url: `${base}/hook`, events: ['finding_high'], allowPrivate: true });
    expect(created).toMatchObject({ ok: true, data: { secret: expect.stringMatching(/^whsec_[\w-]{43}$/) } });
    const secret = created.ok ? created.data.secret : '';
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome])).toEqual([['webhook.create', 'succeeded']]);
    expect(JSON.stringify(events, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(secret);
  });

  it('POSTs an occurrence once, signed; the signature verifies, and fails when tampered with or too old', async () => {
    const { secret } = await register();
    const person = await owner(db, { role: 'onboarder' });
    const { id: projectId } = await project(db);
    const machine = await machineUser(db, { projectId, ownerId: person.id });
    await db.machineUser.update({ where: { id: machine.id }, data: { backupOwnerId: (await owner(db)).id } });
    const now = new Date();
    await token(db, { machineUserId: machine.id, rotateBy: new Date(now.getTime() + 3 * DAY) });
    const seq = await lastAuditSeq(db);
    expect(await tick(now)).toMatchObject({ created: 2, webhooksDelivered: 1 });
    expect(await tick(now)).toMatchObject({ created: 0, webhooksDelivered: 0 });
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const header = String(delivery!.headers[SIGNATURE_HEADER.toLowerCase()]);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(delivery!.headers['keywarden-event']).toBe('rotation_due_soon');
    expect(verifyWebhookSignature(secret, header, delivery!.body)).toBe(true);
    expect(verifyWebhookSignature(secret, header, delivery!.body.replace('within', 'WITHIN'))).toBe(false);
    expect(verifyWebhookSignature('whsec_another', header, delivery!.body)).toBe(false);
    expect(verifyWebhookSignature(secret, header, delivery!.body, Math.floor(Date.now() / 1000) + REPLAY_WINDOW_SECONDS + 5)).toBe(false);
    const body = JSON.parse(delivery!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ event: 'rotation_due_soon', title: `Rotate “Cron” of ${machine.email} within 3 days`, link: `https://keys.example.com/machine-users/${machine.id}` });
    expect(delivery!.body).not.toContain(secret);
    const events = await auditEventsSince(db, seq);
    expect(events.filter((event) => event.action.startsWith('webhook.')).map((event) => [event.action, event.outcome])).toEqual([['webhook.delivered', 'succeeded']]);
    // The delivery log keeps the body and the outcome, never the secret.
    const logged = await db.webhookDelivery.findMany();
    expect(logged).toMatchObject([{ status: 'succeeded', attempts: 1, lastStatusCode: 204 }]);
    expect(JSON.stringify(logged)).not.toContain(secret);
  });

  it('sends a Slack-compatible body ({ text, blocks }) to a Slack-format endpoint, signed the same way; the log keeps Keywarden’s JSON', async () => {
    const { secret, endpointId } = await register(['rotation_due_soon'], 'slack');
    const person = await owner(db, { role: 'onboarder' });
    const { id: projectId } = await project(db);
    const machine = await machineUser(db, { projectId, ownerId: person.id });
    const recorded = await token(db, { machineUserId: machine.id, rotateBy: new Date(Date.now() + 3 * DAY) });
    await db.apiToken.update({ where: { id: recorded.id }, data: { name: 'Cron <b>&</b>' } });
    expect(await tick(new Date())).toMatchObject({ webhooksDelivered: 1 });
    const [delivery] = received;
    expect(verifyWebhookSignature(secret, String(delivery!.headers[SIGNATURE_HEADER.toLowerCase()]), delivery!.body)).toBe(true);
    const body = JSON.parse(delivery!.body) as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[] };
    const link = `https://keys.example.com/machine-users/${machine.id}`;
    // Slack's mrkdwn: &, < and > escaped in what people typed; the link in Slack's <url|label> form.
    expect(body.text).toBe(`Rotate “Cron &lt;b&gt;&amp;&lt;/b&gt;” of ${machine.email} within 3 days <${link}|Open in Keywarden>`);
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: expect.stringMatching(/^\*Rotate “Cron &lt;b&gt;&amp;&lt;\/b&gt;” of .+\*\nThe token/) } });
    expect(body.blocks[1]).toMatchObject({ type: 'context', elements: [{ text: `Keywarden · rotation_due_soon · <${link}|Open in Keywarden>` }] });
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(await db.webhookDelivery.findFirstOrThrow({ where: { endpointId } })).toMatchObject({ payload: { event: 'rotation_due_soon', link } });
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).format).toBe('slack');
  });

  it('retries after a 5xx with backoff, then delivers; the test event goes out at once', async () => {
    const { admin, endpointId } = await register();
    answer = 503;
    const now = new Date();
    const first = await sendWebhookTestEvent(admin, { endpointId }, now);
    expect(first).toMatchObject({ ok: true, data: { status: 'pending' } });
    const row = () => db.webhookDelivery.findFirstOrThrow({ where: { endpointId } });
    expect(await row()).toMatchObject({ attempts: 1, lastStatusCode: 503, lastError: 'the endpoint answered HTTP 503' });
    expect((await row()).nextAttemptAt.getTime()).toBe(now.getTime() + 60_000);
    answer = 200;
    // Not yet due: nothing is sent.
    await tick(new Date(now.getTime() + 30_000));
    expect(received).toHaveLength(1);
    await tick(new Date(now.getTime() + 61_000));
    expect(received).toHaveLength(2);
    expect(await row()).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200 });
    expect(JSON.parse(received[1]!.body)).toMatchObject({ event: 'test' });
  });

  it('checks the address the connection uses: a target that became internal is refused at delivery', async () => {
    const { admin, endpointId } = await register();
    // As if the name had resolved elsewhere when it was saved: stored without the allowance.
    await db.webhookEndpoint.update({ where: { id: endpointId }, data: { url: `http://localhost:${new URL(base).port}/hook`, allowPrivate: false } });
    const result = await sendWebhookTestEvent(admin, { endpointId });
    expect(result.ok).toBe(true);
    expect(received).toHaveLength(0);
    expect(await db.webhookDelivery.findFirstOrThrow({ where: { endpointId } })).toMatchObject({ lastError: expect.stringContaining('internal address') });
  });
});

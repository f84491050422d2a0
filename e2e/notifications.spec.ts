// Notifications end to end in sandbox mode (issue 17): with no SMTP server configured, e-mail goes
// to the sandbox mailbox. An admin sends what is due now (the demo's critical finding, at least):
// the mailbox holds the e-mail with its links, the bell counts what is unread, the Notifications
// page lists it and marks it read. Preferences are a real form: saved with JavaScript off.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { paths } from './support/paths';
import type { Locator, Page } from '@playwright/test';
import { expect, readAccounts, syntheticAddress, test, waitForHydration } from './support/test';

/**
 * The newest sandbox-mailbox message to `to` containing `text`, looked for page by page: other specs'
 * messages (a campaign's start mails every reviewer) may be newer and fill the first page.
 */
async function mailboxMessage(page: Page, to: string, text: string): Promise<Locator> {
  for (let number = 1; number <= 20; number++) {
    await page.goto(`/settings/mailbox?page=${number}`);
    const articles = page.getByRole('list', { name: 'Messages list' }).getByRole('article');
    const found = articles.filter({ hasText: `To ${to}` }).filter({ hasText: text }).first();
    if ((await found.count()) > 0) return found;
    if ((await articles.count()) === 0) break;
  }
  throw new Error(`no message to ${to} containing “${text}” in the sandbox mailbox`);
}

test('an admin sends what is due: the sandbox mailbox holds the e-mails, the bell counts them, and they are marked read', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  const email = readAccounts().admin.email;
  await admin.goto('/settings/mailbox');
  await waitForHydration(admin, 'main button');
  await admin.getByRole('button', { name: 'Send due reminders now' }).click();
  await expect(admin.getByRole('status').filter({ hasText: /new notifications?; \d+ e-mails? sent/ })).toBeVisible();

  const critical = await mailboxMessage(admin, email, 'Critical finding');
  await expect(critical).toBeVisible();
  // A link to the findings and one to change or stop this kind of e-mail; never a token value (the
  // canary integration test scans every encoding).
  await expect(critical).toContainText('/review?rule=');
  await expect(critical).toContainText('/settings/notifications#event-finding_high');

  const bell = admin.getByRole('banner').getByRole('link', { name: /^Notifications, \d+ unread$/ });
  await expect(bell).toBeVisible();
  await bell.click();
  await expect(admin.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
  await expect(admin.getByRole('list', { name: 'Notifications list' }).getByRole('listitem').filter({ hasText: 'Critical finding' }).first()).toBeVisible();
  await waitForHydration(admin, 'main button');
  await admin.getByRole('button', { name: 'Mark all read' }).click();
  await expect(admin.getByRole('banner').getByRole('link', { name: 'Notifications, none unread' })).toBeVisible();
});

test('preferences are saved with JavaScript off, and the page says where e-mail goes', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: paths.storageState('reviewer'), extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  const page = await context.newPage();
  await page.goto('/settings/notifications');
  await expect(page.getByRole('heading', { name: 'Notification settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Sandbox mode: e-mails are kept in the sandbox mailbox');
  // Reviewers choose for themselves but do not see the organisation's defaults form.
  await expect(page.getByRole('form', { name: 'Organisation notification defaults' })).toHaveCount(0);
  const field = page.getByLabel('A token is past its rotate-by date (then weekly)');
  const next = (await field.inputValue()) === 'digest' ? 'email' : 'digest';
  await field.selectOption(next);
  await page.getByRole('button', { name: 'Save my preferences' }).click();
  await expect(page.getByText('Your preferences are saved.')).toBeVisible();
  // Where the person is looking: the page posted back opens at the form's outcome, not at its top.
  await expect(page.getByText('Your preferences are saved.')).toBeInViewport();
  await page.goto('/settings/notifications');
  await expect(page.getByLabel('A token is past its rotate-by date (then weekly)')).toHaveValue(next);
  await context.close();
});

test('an admin registers a webhook, copies the secret shown once, and a test event arrives signed so that it verifies', async ({ pageAs }) => {
  const received: { signature: string; body: string }[] = [];
  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ signature: String(request.headers['keywarden-signature']), body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/keywarden`;
    const admin = await pageAs('admin');
    await admin.goto('/settings/webhooks');
    await waitForHydration(admin, 'main button');
    await admin.getByLabel('Endpoint URL').fill(url);
    await admin.getByLabel(/Allow a private or loopback target/).check();
    await admin.getByRole('button', { name: 'Register endpoint' }).click();
    const secret = (await admin.getByLabel('Signing secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_/);
    // Shown once: a reload no longer has it.
    await admin.reload();
    await expect(admin.getByText(secret)).toHaveCount(0);
    const endpoint = admin.getByRole('article', { name: url });
    await waitForHydration(admin, 'main button');
    await endpoint.getByRole('button', { name: 'Send test event' }).click();
    await expect(endpoint.getByText('Test event delivered.')).toBeVisible();
    expect(received).toHaveLength(1);
    const [, timestamp, signature] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(received[0]!.signature) ?? [];
    expect(signature).toBe(createHmac('sha256', secret).update(`${timestamp}.${received[0]!.body}`).digest('hex'));
    expect(JSON.parse(received[0]!.body)).toMatchObject({ event: 'test' });
    await admin.reload();
    await expect(admin.getByRole('article', { name: url }).getByRole('region', { name: `Deliveries to ${url}` })).toContainText('succeeded');
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
});

test('the signed unsubscribe link: a confirm page that works without JavaScript or a session, a one-click POST with no Origin, and a tampered link told so', async ({ pageAs, browser, baseURL, request }) => {
  const admin = await pageAs('admin');
  const email = readAccounts().admin.email;
  await admin.goto('/settings/mailbox');
  await waitForHydration(admin, 'main button');
  await admin.getByRole('button', { name: 'Send due reminders now' }).click();
  await expect(admin.getByRole('status').filter({ hasText: /notifications?; \d+ e-mails? sent/ })).toBeVisible();
  const text = (await (await mailboxMessage(admin, email, '/unsubscribe/')).locator('pre').textContent()) ?? '';
  const found = /Stop e-mails about “([^”]+)”: (https?:\/\/\S+\/unsubscribe\/([\w-]+\.[\w-]+))/.exec(text);
  expect(found, text).not.toBeNull();
  const kind = found![1]!;
  const link = found![3]!;

  // A stranger's browser with JavaScript off: the page asks, the form posts, the page confirms.
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  try {
    const page = await context.newPage();
    await page.goto(`/unsubscribe/${link}`);
    await expect(page.getByRole('heading', { name: 'Stop these e-mails?', level: 1 })).toBeVisible();
    await expect(page.getByRole('main')).toContainText(`${email} receives e-mails about “${kind}”`);
    await page.getByRole('button', { name: 'Unsubscribe from these e-mails' }).click();
    await expect(page.getByRole('heading', { name: 'Unsubscribed', level: 1 })).toBeVisible();
    await expect(page.getByRole('status')).toContainText(`${email} no longer receives e-mails about “${kind}”`);

    // RFC 8058: the mail provider POSTs List-Unsubscribe=One-Click with no cookie and no Origin.
    const oneClick = await request.post(`/api/unsubscribe/${link}`, { form: { 'List-Unsubscribe': 'One-Click' }, headers: { 'X-Forwarded-For': syntheticAddress() } });
    expect(oneClick.status()).toBe(200);
    expect(await oneClick.text()).toContain(`no longer receives e-mails about “${kind}”`);

    // Tampered: a clear answer, never a 500.
    const tampered = `${link.slice(0, -2)}${link.endsWith('AA') ? 'BB' : 'AA'}`;
    const response = await page.goto(`/unsubscribe/${tampered}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'This link cannot be used', level: 1 })).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('altered');
    const refused = await request.post(`/api/unsubscribe/${tampered}`, { form: { 'List-Unsubscribe': 'One-Click' }, headers: { 'X-Forwarded-For': syntheticAddress() } });
    expect(refused.status()).toBe(400);
  } finally {
    await context.close();
    // The admin's choice back as it was (the other notification tests read the admin's e-mails).
    await admin.goto('/settings/notifications');
    await waitForHydration(admin, 'main button');
    await admin.getByLabel(kind, { exact: true }).selectOption('email');
    await admin.getByRole('button', { name: 'Save my preferences' }).click();
    await expect(admin.getByText('Your preferences are saved.')).toBeVisible();
  }
});

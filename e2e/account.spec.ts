// The Account page (issue 20): changing one's password signs every other browser out and keeps
// this one; each user ends any of their sessions from the list; an admin ends another user's
// sessions on Users → Sessions. Every user here is seeded by the test that uses it, and each
// browser is its own context with its own client address.
import type { BrowserContext, Page } from '@playwright/test';
import { signInByApi, signInOrThrow } from './support/auth';
import { expectNoSeriousA11yViolations } from './support/axe';
import { seedUser, type SeededUser } from './support/seed';
import { expect, test, uniquePassword, waitForHydration, type ClientOptions } from './support/test';

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const PHONE = { width: 390, height: 844 };

type NewClient = (options?: ClientOptions) => Promise<BrowserContext>;

/** A browser signed in as `user` (through the sign-in endpoint: the form is not what is tested here). */
async function browserOf(newClient: NewClient, baseURL: string, user: SeededUser, options: { userAgent?: string; clientAddress?: string } = {}): Promise<Page> {
  const context = await newClient({ clientAddress: options.clientAddress });
  if (options.userAgent) await context.setExtraHTTPHeaders({ 'User-Agent': options.userAgent, 'X-Forwarded-For': options.clientAddress ?? '10.250.0.1' });
  await signInOrThrow(context.request, baseURL, user);
  return context.newPage();
}

async function openAccount(page: Page): Promise<void> {
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
}

async function expectSignedOut(page: Page, baseURL: string): Promise<void> {
  await page.goto('/account');
  await expect(page).toHaveURL(`${baseURL}/sign-in?callbackUrl=%2Faccount`);
}

const sessionsTable = (page: Page) => page.getByRole('region', { name: 'Your sessions table' });

test('changing the password in one browser signs the other out and keeps this one signed in', async ({ newClient, newApiClient, baseURL }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '', label: 'account-password' });
  const here = await browserOf(newClient, baseURL ?? '', user);
  const elsewhere = await browserOf(newClient, baseURL ?? '', user);

  // The header's name leads to the Account page.
  await here.goto('/');
  await here.getByRole('banner').getByRole('link', { name: user.email }).click();
  await expect(here.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
  await expect(sessionsTable(here).getByRole('row')).toHaveCount(3);
  await expect(sessionsTable(here).getByRole('row').filter({ hasText: 'This session' })).toHaveCount(1);
  await expect(here.getByRole('link', { name: 'Two-factor authentication' })).toHaveAttribute('href', '/account/security');

  await waitForHydration(here, 'form[aria-label="Change your password"]');
  const form = here.getByRole('form', { name: 'Change your password' });
  const password = uniquePassword();
  // A wrong current password: a clear message on its field, nothing changed.
  await form.getByLabel('Current password').fill('not the password');
  await form.getByLabel('New password', { exact: true }).fill(password);
  await form.getByLabel('Repeat the new password').fill(password);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('That is not your current password.').first()).toBeVisible();
  await openAccount(elsewhere);

  await waitForHydration(here, 'form[aria-label="Change your password"]');
  await form.getByLabel('Current password').fill(user.password);
  await form.getByLabel('New password', { exact: true }).fill(password);
  await form.getByLabel('Repeat the new password').fill(password);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'Your password is changed' })).toContainText('Your other session was ended.');
  await expect(form.getByLabel('Current password')).toHaveValue('');

  await expectSignedOut(elsewhere, baseURL ?? '');
  await openAccount(here);
  await expect(sessionsTable(here).getByRole('row')).toHaveCount(2);

  expect((await signInByApi(await newApiClient(), baseURL ?? '', user)).error).not.toBeNull();
  expect((await signInByApi(await newApiClient(), baseURL ?? '', { email: user.email, password })).error).toBeNull();
});

test('a session is ended from the list after a confirmation, and its browser is signed out', async ({ newClient, newApiClient, baseURL }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'onboarder', baseUrl: baseURL ?? '', label: 'account-sessions' });
  const here = await browserOf(newClient, baseURL ?? '', user);
  const other = await browserOf(newClient, baseURL ?? '', user, { userAgent: FIREFOX_ON_WINDOWS, clientAddress: '10.250.7.7' });
  await openAccount(other);

  await openAccount(here);
  const row = sessionsTable(here).getByRole('row').filter({ hasText: '10.250.7.7' });
  await expect(row).toContainText('Firefox 133 on Windows');
  await row.getByRole('link', { name: /^End session: Firefox 133 on Windows/ }).click();
  const confirm = here.getByRole('form', { name: 'End this session?' });
  await expect(confirm).toContainText('10.250.7.7');
  // Cancel leaves it alone.
  await confirm.getByRole('link', { name: 'Cancel' }).click();
  await expect(here.getByRole('form', { name: 'End this session?' })).toHaveCount(0);
  await openAccount(other);

  await sessionsTable(here).getByRole('row').filter({ hasText: '10.250.7.7' }).getByRole('link', { name: /^End session/ }).click();
  await waitForHydration(here, 'form[aria-label="End this session?"]');
  await here.getByRole('form', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click();
  await expect(here.getByRole('status').filter({ hasText: 'The session was ended' })).toBeVisible();
  await here.getByRole('link', { name: 'Back to the sessions' }).click();
  await expect(sessionsTable(here).getByRole('row').filter({ hasText: '10.250.7.7' })).toHaveCount(0);

  await expectSignedOut(other, baseURL ?? '');
  await openAccount(here);

  // Narrow screens: the page and its confirmation step do not scroll sideways.
  const third = await browserOf(newClient, baseURL ?? '', user);
  await here.setViewportSize(PHONE);
  await here.goto('/account?end=others');
  await expect(here.getByRole('form', { name: 'End all your other sessions?' })).toBeVisible();
  const { scrollWidth, innerWidth } = await here.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  await expectNoSeriousA11yViolations(here, '/account with its confirmation step (390 px)');
  await waitForHydration(here, 'form[aria-label="End all your other sessions?"]');
  await here.getByRole('button', { name: 'End other sessions' }).click();
  await expect(here.getByRole('status').filter({ hasText: 'The session was ended' })).toBeVisible();
  await expectSignedOut(third, baseURL ?? '');
});

test('without JavaScript: the password form and ending a session still work', async ({ newClient, newApiClient, baseURL, browser }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '', label: 'account-nojs' });
  const other = await browserOf(newClient, baseURL ?? '', user, { clientAddress: '10.250.8.8' });
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, extraHTTPHeaders: { 'X-Forwarded-For': '10.250.8.9' } });
  try {
    await signInOrThrow(context.request, baseURL ?? '', user);
    const page = await context.newPage();
    await openAccount(page);
    const form = page.getByRole('form', { name: 'Change your password' });
    await form.getByLabel('Current password').fill(user.password);
    await form.getByLabel('New password', { exact: true }).fill('short');
    await form.getByLabel('Repeat the new password').fill('short');
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText('Use at least 12 characters.')).toBeVisible();
    // Nothing typed comes back, and no password is in the address.
    await expect(page.getByLabel('Current password')).toHaveValue('');
    expect(page.url()).not.toContain('short');

    await page.goto('/account');
    await sessionsTable(page).getByRole('row').filter({ hasText: '10.250.8.8' }).getByRole('link', { name: /^End session/ }).click();
    await page.getByRole('form', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click();
    await expect(page.getByText('The session was ended')).toBeVisible();
    await expectSignedOut(other, baseURL ?? '');
  } finally {
    await context.close();
  }
});

test('an admin ends another user’s sessions on Users → Sessions', async ({ pageAs, newClient, newApiClient, baseURL }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'onboarder', baseUrl: baseURL ?? '', label: 'account-admin-ends' });
  const member = await browserOf(newClient, baseURL ?? '', user, { clientAddress: '10.250.9.9' });
  await openAccount(member);
  const sessionOf = async (page: Page) => (await page.request.get('/api/auth/session')).json() as Promise<{ user?: { email?: string } }>;
  expect((await sessionOf(member)).user?.email).toBe(user.email);

  const admin = await pageAs('admin');
  await admin.goto('/users');
  await admin.getByRole('link', { name: 'Sessions', exact: true }).click();
  await expect(admin.getByRole('heading', { name: 'Sessions', level: 1 })).toBeVisible();
  await admin.getByLabel('User’s e-mail').fill(user.email);
  await admin.getByRole('button', { name: 'Search' }).click();
  const table = admin.getByRole('region', { name: 'Sessions table' });
  await expect(table.getByRole('row').filter({ hasText: '10.250.9.9' })).toContainText(user.email);
  await admin.getByRole('link', { name: `End every session of ${user.email}` }).click();
  const confirm = admin.getByRole('form', { name: `End every session of ${user.email}?` });
  await waitForHydration(admin, `form[aria-label="End every session of ${user.email}?"]`);
  await confirm.getByRole('button', { name: 'End all their sessions' }).click();
  await expect(admin.getByRole('status').filter({ hasText: /(session was|sessions were) ended/ })).toBeVisible();
  await expectSignedOut(member, baseURL ?? '');
  // next-auth's own endpoint agrees: the old cookie names nobody any more.
  expect(await sessionOf(member)).toEqual({});

  await admin.goto(`/audit?action=user.end_all_sessions&outcome=succeeded`);
  await expect(admin.getByRole('region', { name: 'Audit events table' }).getByRole('row').filter({ hasText: user.email })).toHaveCount(1);
});

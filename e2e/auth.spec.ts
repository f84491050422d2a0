// Signing in and out (SECURITY.md A4): generic errors, throttling per account and per client
// address, and a dashboard that sends anyone without a valid session to the sign-in page.
import type { BrowserContext, Page } from '@playwright/test';
import { ACCOUNT_POLICY, ADDRESS_POLICY } from '@/lib/auth/throttle';
import { SESSION_COOKIE, signInByApi, signInOrThrow } from './support/auth';
import { seedUser } from './support/seed';
import { expect, syntheticAddress, test, uniqueEmail, uniquePassword, waitForHydration } from './support/test';

const GENERIC_FAILURE = 'Sign-in failed. Check your e-mail address and password.';
// The message says how long: the account's block (the address's lasts as long).
const THROTTLED = `Too many failed attempts. Sign-in is paused for ${ACCOUNT_POLICY.blockSeconds / 60} minutes; try again then.`;

const DASHBOARD_PATHS = ['/', '/projects', '/machine-users', '/tokens', '/review', '/settings', '/audit', '/users'];

/** Fills and submits the sign-in form; resolves once the server has answered. */
async function submitSignIn(page: Page, email: string, password: string): Promise<number> {
  await waitForHydration(page);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  const answered = page.waitForResponse(
    (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/auth/callback/credentials',
  );
  await page.getByRole('button', { name: 'Sign in' }).click();
  return (await answered).status();
}

/** The form's message (Next's route announcer is an empty alert of its own, outside <main>). */
function formAlert(page: Page) {
  return page.getByRole('main').getByRole('alert');
}

async function sessionCookieOf(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
}

test('a user signs in with the form and lands on the dashboard', async ({ page, newApiClient, baseURL }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await submitSignIn(page, user.email, user.password)).toBe(200);
  await expect(page).toHaveURL(`${baseURL}/`);
  // A full reload renders the header on the server from the session and the database.
  await page.reload();
  await expect(page.getByRole('banner')).toContainText(user.email);
  await expect(page.getByRole('banner').getByText('reviewer', { exact: true })).toBeVisible();
  expect(await sessionCookieOf(page.context())).toBeDefined();
});

test('without JavaScript the sign-in form says it needs it, and its fields stay disabled', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  try {
    const page = await context.newPage();
    await page.goto('/sign-in');
    // Before: a native post of the password to /sign-in, which nothing read: the form came back empty.
    await expect(page.getByLabel('E-mail')).toBeDisabled();
    await expect(page.getByLabel('Password')).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
    // Locators do not reach into <noscript>: the notice is read from the page's HTML.
    expect(await (await context.request.get('/sign-in')).text()).toMatch(/<noscript[^>]*>.*Signing in needs JavaScript: turn it on for this site, then reload this page\..*<\/noscript>/s);
  } finally {
    await context.close();
  }
});

test('a wrong password and an unknown account get the same generic message', async ({ page, newApiClient, baseURL }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
  await page.goto('/sign-in');

  expect(await submitSignIn(page, user.email, `${user.password}-wrong`)).toBe(401);
  await expect(formAlert(page)).toHaveText(GENERIC_FAILURE);
  await expect(page).toHaveURL(`${baseURL}/sign-in`);

  expect(await submitSignIn(page, uniqueEmail('nobody'), uniquePassword())).toBe(401);
  await expect(formAlert(page)).toHaveText(GENERIC_FAILURE);
  expect(await sessionCookieOf(page.context())).toBeUndefined();

  // Still able to sign in: one failure does not lock anyone out.
  expect(await submitSignIn(page, user.email, user.password)).toBe(200);
  await expect(page).toHaveURL(`${baseURL}/`);
});

test('ten wrong passwords in a row are throttled, and then even the right password is refused', async ({ page, newApiClient, newClient, baseURL }) => {
  const admin = await newApiClient({ as: 'admin' });
  const user = await seedUser(admin, await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
  const bystander = await seedUser(admin, await newApiClient(), { role: 'reviewer', label: 'bystander', baseUrl: baseURL ?? '' });
  await page.goto('/sign-in');

  for (let attempt = 1; attempt <= 10; attempt += 1) {
    await submitSignIn(page, user.email, `wrong-password-${attempt}`);
    // The account locks once its failures reach the policy's limit; later attempts are not even checked.
    const expected = attempt <= ACCOUNT_POLICY.limit ? GENERIC_FAILURE : THROTTLED;
    await expect(formAlert(page), `attempt ${attempt}`).toHaveText(expected);
  }
  await submitSignIn(page, user.email, user.password);
  await expect(formAlert(page)).toHaveText(THROTTLED);
  await expect(page).toHaveURL(`${baseURL}/sign-in`);
  expect(await sessionCookieOf(page.context())).toBeUndefined();

  // The lock is on the account, wherever the attempt comes from…
  const elsewhere = await newClient();
  expect(await signInByApi(elsewhere.request, baseURL ?? '', user)).toMatchObject({ status: 401, error: 'Throttled' });
  // …and not on this client address: another account still signs in from it.
  expect(await submitSignIn(page, bystander.email, bystander.password)).toBe(200);
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByRole('banner')).toContainText(bystander.email);
});

test('one client address that fails across many accounts is throttled, other addresses are not', async ({ request, newApiClient, baseURL }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
  // Each account fails fewer times than its own limit, so only the address counter can trip.
  for (let attempt = 1; attempt <= ADDRESS_POLICY.limit; attempt += 1) {
    const outcome = await signInByApi(request, baseURL ?? '', { email: uniqueEmail(`guess-${attempt}`), password: uniquePassword() });
    expect(outcome, `attempt ${attempt}`).toEqual({ status: 401, error: 'CredentialsSignin' });
  }
  expect(await signInByApi(request, baseURL ?? '', user)).toEqual({ status: 401, error: 'Throttled' });
  // The same account from another client address is fine.
  const otherAddress = await newApiClient();
  await signInOrThrow(otherAddress, baseURL ?? '', user);
  const dashboard = await otherAddress.get('/settings');
  expect(dashboard.status()).toBe(200);
  expect(await dashboard.text()).toContain(user.email);
});

test('signing out returns to the sign-in page, and the dashboard then sends you there', async ({ page, newApiClient, baseURL }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
  await signInOrThrow(page.context().request, baseURL ?? '', user);
  await page.goto('/projects');
  await expect(page.getByRole('banner')).toContainText(user.email);
  const copiedCookie = await sessionCookieOf(page.context());
  expect(copiedCookie).toBeDefined();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${baseURL}/sign-in`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await sessionCookieOf(page.context())).toBeUndefined();

  await page.goto('/projects');
  // Sent to sign in, and back to /projects afterwards.
  await expect(page).toHaveURL(`${baseURL}/sign-in?callbackUrl=%2Fprojects`);
  await expect(page.getByRole('banner')).toHaveCount(0);

  // Sign-out ends the session on the server: a copy of the cookie taken before is worthless.
  const thief = await newApiClient();
  const replayed = await thief.get('/settings', { headers: { cookie: `${copiedCookie?.name}=${copiedCookie?.value}` }, maxRedirects: 0 });
  expect(replayed.status()).toBe(307);
  expect(replayed.headers().location).toContain('/sign-in');
});

test('without a session every dashboard page redirects to /sign-in, which will return there', async ({ page, baseURL }) => {
  for (const path of DASHBOARD_PATHS) {
    await page.goto(path);
    const returnTo = path === '/' ? '' : `?callbackUrl=${encodeURIComponent(path)}`;
    await expect(page, `visiting ${path}`).toHaveURL(`${baseURL}/sign-in${returnTo}`);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  }
});

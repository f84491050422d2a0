// Second factors for local accounts (issue 20), as a person meets them: a user sets up an
// authenticator app on the account security page (the code is computed here from the secret the
// page shows, as the app would), signs out, signs in with a code, then with a recovery code. A
// half-signed-in session reaches nothing but the second step. The TOTP secret and the recovery
// codes are never in a response after enrolment, nor in the server's log.
// The default policy (admins must enrol) is met in first-run.spec.ts.
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { totpCodeAt, TOTP_PERIOD_SECONDS } from '@/lib/auth/second-factor-crypto';
import { expectNoSeriousA11yViolations } from './support/axe';
import { paths } from './support/paths';
import { seedUser } from './support/seed';
import { expect, signInWithPassword, test, waitForHydration } from './support/test';

const stepOf = (time: number) => Math.floor(time / (TOTP_PERIOD_SECONDS * 1000));

/**
 * A code of a time step after `lastStep` (a code is accepted once: the next sign-in waits for the
 * app's next code, as a person would).
 */
async function freshCode(secret: string, lastStep: number): Promise<{ code: string; step: number }> {
  const wait = (lastStep + 1) * TOTP_PERIOD_SECONDS * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 250));
  const now = new Date();
  return { code: totpCodeAt(secret, now), step: stepOf(now.getTime()) };
}

async function signOut(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

test('a user sets up an authenticator app, then signs in with a code from it and with a recovery code, each used once', async ({ newApiClient, newClient, baseURL }) => {
  test.setTimeout(180_000);
  // A reviewer, not an admin: users.spec relies on the shared admin being the only active one.
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', label: 'mfa-user', baseUrl: baseURL ?? '' });
  const context = await newClient();
  const page = await context.newPage();
  await signInWithPassword(page, user, '/account/security');
  await expect(page.getByRole('heading', { name: 'Account security', level: 1 })).toBeVisible();
  await expect(page.getByText('Your organisation does not require a second factor.')).toBeVisible();
  await waitForHydration(page, 'main button');
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(page.getByRole('img', { name: 'QR code to add Keywarden to an authenticator app' })).toBeVisible();
  const secret = (await page.getByLabel('Secret key for manual entry').innerText()).replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expectNoSeriousA11yViolations(page, 'the account security page during enrolment');

  const form = page.getByRole('form', { name: 'Confirm the authenticator app' });
  await form.getByLabel('Code from the app').fill(totpCodeAt(secret, new Date(Date.now() - 10 * 60_000)));
  await form.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('That code is not right.').first()).toBeVisible();
  const enrolledAt = Date.now();
  await form.getByLabel('Code from the app').fill(totpCodeAt(secret, new Date(enrolledAt)));
  await form.getByRole('button', { name: 'Confirm' }).click();
  const recoveryCodeItems = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(recoveryCodeItems).toHaveCount(10);
  const recoveryCodes = await recoveryCodeItems.allInnerTexts();
  let lastStep = stepOf(enrolledAt);

  // After enrolment neither the secret nor a code is in any answer.
  const canaries = [secret, ...recoveryCodes];
  await page.getByRole('link', { name: 'Done' }).click();
  await expect(page.getByText('10 of 10 unused.')).toBeVisible();
  const html = await (await context.request.get('/account/security')).text();
  for (const canary of canaries) expect(html).not.toContain(canary);

  // Sign out; the password alone is no longer enough. The half-signed-in session reaches only the
  // second step, keeping the page asked for; the REST API does not know it.
  await signOut(page);
  await signInWithPassword(page, user, '/users');
  await expect(page).toHaveURL(`${baseURL}/sign-in/second-step?callbackUrl=%2Fusers`);
  await expect(page.getByRole('heading', { name: 'Second step' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'the second sign-in step');
  expect((await context.request.get('/api/v1/api-keys')).status()).toBe(401);
  await page.goto('/settings');
  await expect(page).toHaveURL(`${baseURL}/sign-in/second-step?callbackUrl=%2Fsettings`);
  await page.getByLabel('Code').fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('That code did not work.')).toBeVisible();
  const first = await freshCode(secret, lastStep);
  lastStep = first.step;
  await page.getByLabel('Code').fill(first.code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(`${baseURL}/settings`);
  await expect(page.getByRole('banner')).toContainText(user.email);

  // A recovery code instead of the app: once.
  await signOut(page);
  await signInWithPassword(page, user);
  await expect(page).toHaveURL(`${baseURL}/sign-in/second-step`);
  await page.getByLabel('Code').fill(recoveryCodes[4]!.toUpperCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await page.goto('/account/security');
  await expect(page.getByText('9 of 10 unused.')).toBeVisible();
  await signOut(page);
  await signInWithPassword(page, user);
  await page.getByLabel('Code').fill(recoveryCodes[4]!);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('That code did not work.')).toBeVisible();
  const second = await freshCode(secret, lastStep);
  await page.getByLabel('Code').fill(second.code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();

  // The server's log never saw the secret or a recovery code (typed wrong or right).
  const log = fs.readFileSync(paths.serverLog(), 'utf8');
  for (const canary of canaries) {
    expect(log).not.toContain(canary);
    expect(log).not.toContain(canary.replace(/-/g, ''));
  }
});

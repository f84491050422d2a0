// Passkeys as a second factor (issue 20), as a person meets them, with Chromium's virtual
// authenticator (CDP WebAuthn domain) standing in for the device: a user adds a passkey on the
// account security page (naming it, with the keyboard), signs out, and signs in with the password
// and the passkey. A browser with no passkey for the account gets a readable message, never a stack
// trace; without JavaScript the second step says passkeys need it and still offers codes.
import fs from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/axe';
import { paths } from './support/paths';
import { seedUser } from './support/seed';
import { expect, signInWithPassword, syntheticAddress, test, waitForHydration } from './support/test';

/** A platform authenticator with user verification (a laptop's fingerprint reader), for `page` only. */
async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
}

test('a user adds a passkey, then signs in with the password and the passkey', async ({ browser, newApiClient, newClient, baseURL }) => {
  test.setTimeout(180_000);
  // A reviewer, not an admin: users.spec relies on the shared admin being the only active one.
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', label: 'passkey-user', baseUrl: baseURL ?? '' });
  const context = await newClient();
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);

  await signInWithPassword(page, user, '/account/security');
  await expect(page.getByRole('heading', { name: 'Account security', level: 1 })).toBeVisible();
  await expect(page.getByText('No passkeys yet.')).toBeVisible();
  const addForm = page.getByRole('form', { name: 'Add a passkey' });
  await waitForHydration(page, 'form[aria-label="Add a passkey"]');
  // By keyboard: the name, then Enter submits.
  await addForm.getByLabel('Passkey name').fill('Work laptop');
  await addForm.getByLabel('Passkey name').press('Enter');
  await expect(page.getByText('Passkey “Work laptop” added.')).toBeVisible();
  // The account's first second factor: its recovery codes, shown this once.
  const recoveryCodeItems = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(recoveryCodeItems).toHaveCount(10);
  const recoveryCodes = await recoveryCodeItems.allInnerTexts();
  await page.getByRole('link', { name: 'Done' }).click();
  const passkeys = page.getByRole('list', { name: 'Your passkeys' });
  await expect(passkeys.getByRole('listitem')).toHaveCount(1);
  await expect(passkeys).toContainText('Work laptop');
  await expect(passkeys).toContainText('not used yet');
  await expect(page.getByText('10 of 10 unused.')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'the account security page with a passkey');
  const html = await (await context.request.get('/account/security')).text();
  for (const code of recoveryCodes) expect(html).not.toContain(code);

  // Sign out: the password alone no longer signs in; the passkey does, keeping the page asked for.
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signInWithPassword(page, user, '/users');
  await expect(page).toHaveURL(`${baseURL}/sign-in/second-step?callbackUrl=%2Fusers`);
  await expect(page.getByText('Use your passkey.')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'the second sign-in step with a passkey');
  await waitForHydration(page, 'form[aria-label="Sign in with a passkey"]');
  const usePasskey = page.getByRole('button', { name: 'Use a passkey' });
  await expect(usePasskey).toBeEnabled();
  await usePasskey.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`${baseURL}/users`);
  await expect(page.getByRole('banner')).toContainText(user.email);
  await page.goto('/account/security');
  await expect(page.getByRole('list', { name: 'Your passkeys' })).toContainText('last used');

  // Another browser, with an authenticator that holds no passkey of this account: the prompt fails
  // and says so in words; a recovery code still signs in.
  const elsewhere = await newClient();
  const other = await elsewhere.newPage();
  await addVirtualAuthenticator(elsewhere, other);
  await signInWithPassword(other, user);
  await expect(other).toHaveURL(`${baseURL}/sign-in/second-step`);
  await waitForHydration(other, 'form[aria-label="Sign in with a passkey"]');
  await other.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(other.getByText('The passkey prompt was closed or timed out.')).toBeVisible({ timeout: 30_000 });

  // Without JavaScript (the same half-signed-in session): the page says passkeys need it, and the
  // code form still works.
  const withoutScript = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    storageState: await elsewhere.storageState(),
    extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() },
  });
  const plain = await withoutScript.newPage();
  await plain.goto('/sign-in/second-step');
  // The note is a <noscript>: a browser with scripting off renders it, but Chromium with script
  // execution disabled by the DevTools protocol still parses it as if scripting were on, so the
  // page's HTML is read for it.
  expect(await (await withoutScript.request.get('/sign-in/second-step')).text()).toMatch(/<noscript[^>]*>.*Passkeys need JavaScript, which is off in this browser\..*<\/noscript>/s);
  await expect(plain.getByRole('button', { name: 'Use a passkey' })).toBeDisabled();
  await plain.getByRole('textbox', { name: 'Code', exact: true }).fill(recoveryCodes[0]!);
  await plain.getByRole('button', { name: 'Continue' }).click();
  await expect(plain.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await withoutScript.close();

  // The server's log never saw a recovery code.
  const log = fs.readFileSync(paths.serverLog(), 'utf8');
  for (const code of recoveryCodes) {
    expect(log).not.toContain(code);
    expect(log).not.toContain(code.replace(/-/g, ''));
  }
});

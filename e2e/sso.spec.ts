// Single sign-on through a real OpenID Connect provider on loopback (started by global set-up):
// the role comes from a group claim, an identity with no mapped group is refused, and both are
// audited.
import type { Page } from '@playwright/test';
import { SSO_IDENTITIES, SSO_NAME } from './support/sso';
import { expect, test, waitForHydration } from './support/test';

/** From Keywarden's sign-in page through the provider's login and consent pages and back. */
async function signInThroughProvider(page: Page, login: string): Promise<void> {
  await page.goto('/sign-in');
  await waitForHydration(page);
  await page.getByRole('button', { name: `Continue with ${SSO_NAME}` }).click();
  // The provider's development pages: any password is accepted for a known login.
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password at all');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('an identity in a mapped group signs in with the role its group grants', async ({ page, baseURL, newApiClient }) => {
  const identity = SSO_IDENTITIES['sso-reviewer']!;
  await signInThroughProvider(page, 'sso-reviewer');
  await expect(page).toHaveURL(`${baseURL}/`);
  const banner = page.getByRole('banner');
  await expect(banner).toContainText(identity.email);
  await expect(banner).toContainText('reviewer');

  // The account exists now, as a reviewer linked to SSO, and the sign-in is in the audit log.
  const admin = await newApiClient({ as: 'admin' });
  const users = await (await admin.get(`/users?q=${encodeURIComponent(identity.email)}`)).text();
  expect(users).toContain(identity.email);
  expect(users).toContain('SSO');
  const audit = await (await admin.get(`/audit?action=auth.sign_in&actor=${encodeURIComponent(identity.email)}&outcome=succeeded`)).text();
  expect(audit).toContain(identity.email);
});

test('an identity the provider knows but no group maps to a role is refused and audited', async ({ page, baseURL, newApiClient }) => {
  const identity = SSO_IDENTITIES['sso-outsider']!;
  await signInThroughProvider(page, 'sso-outsider');
  await expect(page).toHaveURL(new RegExp(`^${baseURL}/sign-in`));
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(
    'Your single sign-on account has no access to Keywarden. Ask an admin for an invitation.',
  );
  await page.goto('/settings');
  await expect(page).toHaveURL(`${baseURL}/sign-in?callbackUrl=%2Fsettings`);

  const admin = await newApiClient({ as: 'admin' });
  const users = await (await admin.get(`/users?q=${encodeURIComponent(identity.email)}`)).text();
  // No account was created: the search for its address finds nobody.
  expect(users).toContain(`No users match “${identity.email}”`);
  const audit = await (await admin.get(`/audit?action=auth.sign_in&outcome=refused&actor=${encodeURIComponent(identity.email)}`)).text();
  expect(audit).toContain('sso: claim keywarden_groups grants no role');
});

// Navigation and wording (issue 14, items 13 and 14): deep links survive sign-in (never to another
// origin), a styled 404 inside the app shell, a favicon, Enter advances the onboarding wizard, no
// two buttons of one dialog read alike, the simulator's Console mints a token only when asked, and
// a "Set" token is not painted as a warning.
import { DEMO_HAND_SET_TOKEN_PROJECT_ID } from '@/lib/platformsh/simulator';
import { acceptInSandbox, demoProject, emailField, openMachineUserInteractive, openWizard, seedMachineUser, stepHeading } from './support/machine-users';
import { seedUser } from './support/seed';
import { expect, test, uniqueEmail, waitForHydration } from './support/test';

test.describe('deep links and sign-in', () => {
  test('a page visited signed out is where the sign-in lands', async ({ page, newApiClient, baseURL }) => {
    const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
    await page.goto('/tokens?status=all');
    await expect(page).toHaveURL(/\/sign-in\?/);
    expect(new URL(page.url()).searchParams.get('callbackUrl')).toBe('/tokens?status=all');
    await waitForHydration(page);
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${baseURL}/tokens?status=all`);
    await expect(page.getByRole('heading', { name: 'Tokens', level: 1 })).toBeVisible();
  });

  // '/.//evil.example': its dot segment resolves away and leaves '//evil.example', another host.
  for (const hostile of ['https://evil.example/steal', '//evil.example/steal', '/\\evil.example', 'javascript:alert(1)', '/.//evil.example/steal']) {
    test(`a callbackUrl of ${hostile} lands on the overview`, async ({ page, newApiClient, baseURL }) => {
      const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
      await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(hostile)}`);
      await waitForHydration(page);
      await page.getByLabel('E-mail').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page).toHaveURL(`${baseURL}/`);
    });
  }
});

test('a signed-in visit to the sign-in page goes back to a path of this site only', async ({ newApiClient }) => {
  const admin = await newApiClient({ as: 'admin' });
  // Each one resolves to '//evil.example…' once its dot segments are removed: it was the Location.
  for (const hostile of ['/.//evil.example/steal', '/a/..//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example']) {
    const response = await admin.get(`/sign-in?callbackUrl=${encodeURIComponent(hostile)}`, { maxRedirects: 0 });
    expect(response.status(), hostile).toBe(307);
    expect(response.headers().location, hostile).toBe('/');
  }
  // Positive control: a path of this site is where it goes.
  const own = await admin.get(`/sign-in?callbackUrl=${encodeURIComponent('/tokens?status=all')}`, { maxRedirects: 0 });
  expect(own.headers().location).toBe('/tokens?status=all');
});

test.describe('the shell', () => {
  test('an unknown address shows a styled 404 inside the app shell', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    const violations: string[] = [];
    admin.on('console', (message) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await admin.goto('/no-such-area/at-all');
    expect(response?.status()).toBe(404);
    await expect(admin.getByRole('heading', { name: 'Page not found', level: 1 })).toBeVisible();
    await expect(admin.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(admin.getByRole('main').getByRole('link', { name: 'Go to the overview' })).toBeVisible();
    expect(violations).toEqual([]);
  });

  test('an unknown machine user shows the same 404 in the shell', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    const response = await admin.goto('/machine-users/does-not-exist');
    expect(response?.status()).toBe(404);
    await expect(admin.getByRole('heading', { name: 'Page not found', level: 1 })).toBeVisible();
    await expect(admin.getByRole('navigation', { name: 'Main' })).toBeVisible();
  });

  test('the site has a favicon', async ({ page, request }) => {
    await page.goto('/sign-in');
    const href = await page.locator('link[rel~="icon"]').first().getAttribute('href');
    expect(href).toBeTruthy();
    const icon = await request.get(href ?? '');
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/image\//);
  });
});

test('Enter advances the onboarding wizard', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await openWizard(admin, demoProject('Search service').id);
  await admin.getByRole('radio', { name: /^Backups/ }).check();
  await admin.getByRole('radio', { name: /^Backups/ }).press('Enter');
  await expect(stepHeading(admin, 'E-mail')).toBeFocused();
  await emailField(admin).fill(uniqueEmail('bots+enter'));
  await emailField(admin).press('Enter');
  await expect(stepHeading(admin, 'Roles')).toBeFocused();
});

test('the cancel-invitation confirmation has no two buttons that read alike', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: demoProject('Search service'), purpose: 'backups', email: uniqueEmail('bots+wording') });
  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  await admin.getByRole('button', { name: 'Cancel invitation' }).click();
  const dialog = admin.getByRole('dialog', { name: `Cancel the invitation to ${machineUser.email}?` });
  const names = (await dialog.getByRole('button').allInnerTexts()).map((name) => name.trim());
  expect(names).toEqual(['Keep the invitation', 'Cancel invitation']);
  await dialog.getByRole('button', { name: 'Keep the invitation' }).click();
  await expect(dialog).toBeHidden();
});

test('the simulator’s Console shows a Create token button and mints only when it is pressed', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: demoProject('Search service'), purpose: 'backups', email: uniqueEmail('bots+console') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  const consoleHref = (await admin.getByRole('link', { name: 'Open the simulator’s Console as this machine user' }).getAttribute('href')) ?? '';
  expect(consoleHref).toMatch(/\/_console\/users\/[^/]+\/api-tokens\/new/);
  const consolePage = await admin.context().newPage();
  // Opening (and reloading) the page mints nothing: it counts the account's tokens and offers a button.
  await consolePage.goto(consoleHref);
  await consolePage.reload();
  await expect(consolePage.locator('#api-token')).toHaveCount(0);
  await expect(consolePage.getByText('API tokens of this account: 0')).toBeVisible();
  await consolePage.getByRole('button', { name: 'Create token' }).click();
  const token = ((await consolePage.locator('#api-token').textContent()) ?? '').trim();
  expect(token.length).toBeGreaterThan(20);
  await consolePage.goto(consoleHref);
  await expect(consolePage.getByText('API tokens of this account: 1')).toBeVisible();
  await expect(consolePage.locator('#api-token')).toHaveCount(0);
  await consolePage.close();
});

test('a token set on production is not shown as a warning', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await admin.goto(`/projects?q=${DEMO_HAND_SET_TOKEN_PROJECT_ID}`);
  const set = admin.getByRole('main').getByText('Set', { exact: true }).first();
  await expect(set).toBeVisible();
  await expect(set).not.toHaveClass(/amber/);
  await admin.goto(`/projects/${DEMO_HAND_SET_TOKEN_PROJECT_ID}`);
  const onPage = admin.getByRole('main').getByText('Set', { exact: true }).first();
  await expect(onPage).toBeVisible();
  await expect(onPage).not.toHaveClass(/amber/);
});

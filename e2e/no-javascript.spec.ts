// With JavaScript off (or before hydration), no control may do nothing and say nothing: what is
// cheap works as a real form (signing out, "Sync now"); what needs JavaScript (a dialog, the
// onboarding wizard) is disabled and says so in a <noscript> notice (components/ui/needs-javascript.tsx).
import type { APIRequestContext, Browser, BrowserContext } from '@playwright/test';
import type { SyncRunView } from '@/lib/domain/inventory/requests';
import { SESSION_COOKIE, signInOrThrow } from './support/auth';
import { paths } from './support/paths';
import { seedUser } from './support/seed';
import { expect, readAccounts, syntheticAddress, test } from './support/test';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const TURN_IT_ON = ': turn it on for this site, then reload this page.';

function contextWithoutJavaScript(browser: Browser, baseURL: string, options: { viewport?: { width: number; height: number }; as?: 'admin' } = {}): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    viewport: options.viewport ?? DESKTOP,
    storageState: options.as ? paths.storageState(options.as) : undefined,
    extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() },
  });
}

/** Locators do not reach into <noscript>: whether the page's HTML carries `notice` inside one. */
async function expectNoScriptNotice(context: BrowserContext, pathname: string, notice: string): Promise<void> {
  const html = await (await context.request.get(pathname)).text();
  const escaped = notice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  expect(html, `${pathname}: notice "${notice}"`).toMatch(new RegExp(`<noscript[^>]*>(?:(?!</noscript>).)*${escaped}(?:(?!</noscript>).)*</noscript>`, 's'));
}

async function latestSyncRun(request: APIRequestContext): Promise<SyncRunView | null> {
  const response = await request.get('/api/inventory/sync', { headers: { accept: 'application/json' } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { run: SyncRunView | null }).run;
}

for (const [width, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  test(`without JavaScript, Sign out ends the session on the server (${width})`, async ({ browser, baseURL, newApiClient }) => {
    // A user of its own: signing out revokes the session, which the shared accounts' tests reuse.
    const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', label: `no-js-sign-out-${width}`, baseUrl: baseURL ?? '' });
    const context = await contextWithoutJavaScript(browser, baseURL ?? '', { viewport });
    try {
      await signInOrThrow(context.request, baseURL ?? '', user);
      const page = await context.newPage();
      await page.goto('/projects');
      await expect(page.getByRole('banner')).toContainText(user.email);
      const copiedCookie = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
      expect(copiedCookie).toBeDefined();

      // Before: a button whose only behaviour was next-auth's client signOut(): nothing happened.
      await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
      await expect(page).toHaveURL(`${baseURL}/sign-in`);
      expect((await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();
      await page.goto('/projects');
      await expect(page).toHaveURL(`${baseURL}/sign-in?callbackUrl=%2Fprojects`);

      // Ended on the server, not only in this browser: a copy of the cookie is worthless.
      const thief = await newApiClient();
      const replayed = await thief.get('/settings', { headers: { cookie: `${copiedCookie?.name}=${copiedCookie?.value}` }, maxRedirects: 0 });
      expect(replayed.status()).toBe(307);
      expect(replayed.headers().location).toContain('/sign-in');
    } finally {
      await context.close();
    }
  });
}

test('without JavaScript, Sync now starts a sync (a real form)', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const context = await contextWithoutJavaScript(browser, baseURL ?? '', { as: 'admin' });
  try {
    // One sync at a time: wait for another spec's run (always a full one) to end first.
    await expect.poll(async () => (await latestSyncRun(context.request))?.status, { timeout: 60_000 }).not.toBe('running');
    const before = await latestSyncRun(context.request);
    const page = await context.newPage();
    await page.goto('/projects');
    const panel = page.getByRole('region', { name: /Inventory sync/ });
    // Before: a button with an onClick handler only: nothing was sent.
    await panel.getByRole('button', { name: 'Sync now' }).click();
    await expect(page).toHaveURL(`${baseURL}/projects`);
    await expect(panel).toBeVisible();
    // The box was left unticked: an incremental run, asked for by this admin.
    await expect
      .poll(async () => {
        const run = await latestSyncRun(context.request);
        return run && run.id !== before?.id ? { trigger: run.trigger, full: run.full, requestedBy: run.requestedBy } : null;
      })
      .toEqual({ trigger: 'manual', full: false, requestedBy: readAccounts().admin.email });
  } finally {
    await context.close();
  }
});

test('without JavaScript, controls that need it are disabled and say so', async ({ browser, baseURL }) => {
  const context = await contextWithoutJavaScript(browser, baseURL ?? '', { as: 'admin' });
  try {
    const page = await context.newPage();

    // Dialogs: the button that opens one is disabled, with a notice instead of silence.
    await page.goto('/users');
    await expect(page.getByRole('button', { name: 'Invite user' })).toBeDisabled();
    // Every other user's row (one's own has no actions).
    await expect(page.getByRole('button', { name: /^Change role of / }).first()).toBeDisabled();
    await expectNoScriptNotice(context, '/users', `Inviting a user needs JavaScript${TURN_IT_ON}`);
    await expectNoScriptNotice(context, '/users', `Changing a user needs JavaScript${TURN_IT_ON}`);
    // On a phone the notice takes a row of its own below the page's buttons, instead of squeezing
    // them until their labels break mid-word.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ['Sessions', 'Invite user']) {
      const control = name === 'Sessions' ? page.getByRole('link', { name, exact: true }) : page.getByRole('button', { name });
      const box = await control.boundingBox();
      expect(box?.height, `${name} is ${box?.height}px tall at 390 px`).toBeLessThan(48);
    }
    await page.setViewportSize({ width: 1280, height: 720 });

    // The onboarding wizard keeps its steps in the page: before, Next sent a GET back to step 1.
    await page.goto('/machine-users/new');
    await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeDisabled();
    await expectNoScriptNotice(context, '/machine-users/new', `Onboarding a machine user needs JavaScript${TURN_IT_ON}`);
  } finally {
    await context.close();
  }
});

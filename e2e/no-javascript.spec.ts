// With JavaScript off (or before hydration), no control may do nothing and say nothing: what is
// cheap works as a real form (signing out, "Sync now"); what needs JavaScript (a dialog, the
// onboarding wizard) is disabled and says so in a <noscript> notice (components/ui/needs-javascript.tsx).
import type { APIRequestContext, Browser, BrowserContext } from '@playwright/test';
import { parse } from 'yaml';
import type { SyncRunView } from '@/lib/domain/inventory/requests';
import { submitCreateKey, uniqueKeyName } from './support/api-keys';
import { SESSION_COOKIE, signInOrThrow } from './support/auth';
import { demoProject, pageSection, seedMachineUser } from './support/machine-users';
import { snippetText } from './support/onboarding';
import { paths } from './support/paths';
import { seedUser } from './support/seed';
import { expect, readAccounts, syntheticAddress, test, uniqueEmail, waitForHydration } from './support/test';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const DOCS = demoProject('Docs');

interface CronSnippet {
  crons: Record<string, { spec: string; commands: { start: string } } | undefined>;
}
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
    const documentRequests: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) documentRequests.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    await page.goto('/projects');
    const panel = page.getByRole('region', { name: /Inventory sync/ });
    // Before: a button with an onClick handler only: nothing was sent.
    await panel.getByRole('button', { name: 'Sync now' }).click();
    await expect(page).toHaveURL(`${baseURL}/projects`);
    await expect(panel).toBeVisible();
    // Post/Redirect/Get: the page shown is a GET's answer, so reloading it cannot post the form
    // again (before, the POST's answer was the page, and a reload asked to send it once more).
    expect(documentRequests).toEqual(['GET /projects', 'POST /projects', 'GET /projects']);
    // The run it began, or it has ended already (then its summary names who asked for it).
    await expect(panel).toContainText(new RegExp(`Running|Listing the projects|Started by ${readAccounts().admin.email}, incremental`));
    await expect(panel.getByRole('alert')).toHaveCount(0);
    const reloaded = await page.reload();
    expect(reloaded?.request().method()).toBe('GET');
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

test('without JavaScript, a refused Sync now also ends on a GET of the Projects page, which says why', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const contexts = await Promise.all([0, 1].map(() => contextWithoutJavaScript(browser, baseURL ?? '', { as: 'admin' })));
  try {
    await expect.poll(async () => (await latestSyncRun(contexts[0]!.request))?.status, { timeout: 60_000 }).not.toBe('running');
    const pages = await Promise.all(contexts.map((context) => context.newPage()));
    const methods = pages.map((page) => {
      const seen: string[] = [];
      page.on('request', (request) => {
        if (request.isNavigationRequest() && request.frame() === page.mainFrame()) seen.push(request.method());
      });
      return seen;
    });
    await Promise.all(pages.map((page) => page.goto('/projects')));
    // Two people press Sync now at once: one sync runs, the other is refused (one at a time).
    await Promise.all(pages.map((page) => page.getByRole('region', { name: /Inventory sync/ }).getByRole('button', { name: 'Sync now' }).click()));
    for (const page of pages) await expect(page).toHaveURL(/\/projects(\?|$)/);
    expect(methods).toEqual([
      ['GET', 'POST', 'GET'],
      ['GET', 'POST', 'GET'],
    ]);
    const refused = pages.filter((page) => new URL(page.url()).search !== '');
    expect(refused).toHaveLength(1);
    await expect(refused[0]!.getByRole('region', { name: /Inventory sync/ }).getByRole('alert')).toContainText('A sync is already running');
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
});

test('the Projects page shows a refused sync named in its URL, and ignores a code it does not know', async ({ browser, baseURL }) => {
  const context = await contextWithoutJavaScript(browser, baseURL ?? '', { as: 'admin' });
  try {
    const page = await context.newPage();
    const panel = page.getByRole('region', { name: /Inventory sync/ });
    expect((await page.goto('/projects?syncRefused=conflict'))?.status()).toBe(200);
    await expect(panel.getByRole('alert')).toContainText('A sync is already running');
    expect((await page.goto('/projects?syncRefused=%3Cscript%3E'))?.status()).toBe(200);
    // Another spec's sync may be running meanwhile: the control then says so (and the panel may
    // show that run), but no refusal is made up from the unknown code.
    await expect(panel.getByRole('button', { name: /^(Sync now|Syncing…)$/ })).toBeVisible();
    await expect(panel.getByRole('alert').filter({ hasText: /already running|script/i })).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test('without JavaScript, the onboarding kit renders the snippets for the options chosen (a GET form)', async ({ browser, baseURL }) => {
  const context = await contextWithoutJavaScript(browser, baseURL ?? '', { as: 'admin' });
  try {
    const page = await context.newPage();
    await page.goto(`/projects/${DOCS.id}/onboarding`);
    const options = page.getByRole('form', { name: 'Snippet options' });
    await options.getByRole('radio', { name: /^Older/ }).check();
    await options.getByLabel('Task').selectOption('certificate-renewal');
    await options.getByLabel('Schedule (cron, UTC)').fill('15 4 1 * *');
    await options.getByLabel('Application name').fill('shop');
    // Before: the options changed nothing without JavaScript, and nothing said so.
    await options.getByRole('button', { name: 'Update snippets' }).click();

    await expect(page).toHaveURL(/[?&]form=older(&|$)/);
    await expect(options.getByRole('radio', { name: /^Older/ })).toBeChecked();
    await expect(options.getByLabel('Task')).toHaveValue('certificate-renewal');
    await expect(options.getByLabel('Schedule (cron, UTC)')).toHaveValue('15 4 1 * *');
    const cron = parse(await snippetText(page, 'Cron')) as CronSnippet;
    expect(cron.crons.renewcert).toEqual({ spec: '15 4 1 * *', commands: { start: 'if [ "$PLATFORM_BRANCH" = main ]; then\n    platform redeploy --yes --no-wait\nfi\n' } });
    await expect(options.getByLabel('Application name')).toHaveValue('shop');
    expect(await snippetText(page, 'Build hook')).toContain('https://platform.sh/cli/installer | php');

    // The fields of a task appear with it: a custom command, refused until it has a schedule.
    await options.getByLabel('Task').selectOption('custom');
    await options.getByLabel('Schedule (cron, UTC)').fill('');
    await options.getByRole('button', { name: 'Update snippets' }).click();
    await options.getByLabel('Command').fill('platform backup:create');
    await options.getByRole('button', { name: 'Update snippets' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toContainText('Choose when the command runs.');
    await expect(options.getByLabel('Command')).toHaveValue('platform backup:create');

    // A URL edited by hand: what is not an option falls back to its default, never an error page.
    // (The default task fits the project's machine user, which other specs may add: read it first.)
    await page.goto(`/projects/${DOCS.id}/onboarding`);
    const defaultTask = await options.getByLabel('Task').inputValue();
    const edited = await page.goto(`/projects/${DOCS.id}/onboarding?form=nonsense&task=rm&form=older&schedule=${'5'.repeat(300)}&app=${'x'.repeat(500)}`);
    expect(edited?.status()).toBe(200);
    await expect(options.getByRole('radio', { name: /^Current/ })).toBeChecked();
    await expect(options.getByLabel('Task')).toHaveValue(defaultTask);
    await expect(options.getByLabel('Application name')).toHaveValue('app');
    await expect(options.getByLabel('Schedule (cron, UTC)')).toHaveValue('');
    // And the snippets are made from those defaults (an over-long schedule would have refused them).
    await expect(page.getByRole('region', { name: 'Cron', exact: true })).toBeVisible();
  } finally {
    await context.close();
  }
});

test('with JavaScript, the onboarding kit updates at once and keeps the URL in step', async ({ pageAs }) => {
  const page = await pageAs('admin');
  await page.goto(`/projects/${DOCS.id}/onboarding?task=certificate-renewal`);
  await waitForHydration(page, 'main button');
  const options = page.getByRole('form', { name: 'Snippet options' });
  // Rendered from the URL, then live: no button to press once hydrated.
  await expect(options.getByLabel('Task')).toHaveValue('certificate-renewal');
  await expect(options.getByRole('button', { name: 'Update snippets' })).toHaveCount(0);
  await options.getByRole('radio', { name: /^Older/ }).check();
  expect(await snippetText(page, 'Build hook')).toContain('https://platform.sh/cli/installer | php');
  await expect(page).toHaveURL(/[?&]form=older(&|$)/);
  await page.reload();
  await expect(options.getByRole('radio', { name: /^Older/ })).toBeChecked();
  await expect(options.getByLabel('Task')).toHaveValue('certificate-renewal');
});

test('without JavaScript, a pending invitation’s page promises only the checks it makes', async ({ browser, baseURL, pageAs, newApiClient }) => {
  const machineUser = await seedMachineUser(await pageAs('admin'), await newApiClient({ as: 'admin' }), { project: DOCS, purpose: 'custom', email: uniqueEmail('bots+no-js-pending') });
  const context = await contextWithoutJavaScript(browser, baseURL ?? '', { as: 'admin' });
  try {
    const page = await context.newPage();
    await page.goto(`/machine-users/${machineUser.id}`);
    const access = pageSection(page, 'Invitation and access');
    await expect(access).toContainText('Invitation pending');
    // The page's script polls every 5 seconds; without it, nothing does until the next sync.
    await expect(access).toContainText('Keywarden checks the invitation at every inventory sync.');
    await expect(access).not.toContainText('every 5 seconds');
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

test('without JavaScript, a form comes back scrolled to its answer: a new API key, shown once, is in view on a phone', async ({ browser, baseURL }) => {
  const context = await contextWithoutJavaScript(browser, baseURL ?? '', { as: 'admin', viewport: PHONE });
  try {
    const page = await context.newPage();
    await page.goto('/settings/api-keys');
    // Before, the page came back at its top, the key far below the fold: it looked as if nothing
    // had happened, and a key shown once could be left unseen.
    await submitCreateKey(page, uniqueKeyName('No-script key'));
    await expect(page.getByLabel('Your new API key')).toHaveValue(/^kw_/);
    await expect(page.getByLabel('Your new API key')).toBeInViewport();
    expect(new URL(page.url()).hash).toBe('#create-api-key');
  } finally {
    await context.close();
  }
});


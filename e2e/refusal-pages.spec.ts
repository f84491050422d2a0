// A page that answers 404 or 403 shows its explanation inside the app shell, rendered on the
// server: before, Next's thrown notFound()/forbidden() answered with an empty
// <html id="__next_error__"> that only its script filled in, so without JavaScript the page was blank.
import type { Browser } from '@playwright/test';
import type { AccountRole } from './support/paths';
import { paths } from './support/paths';
import { expect, syntheticAddress, test } from './support/test';

const UNKNOWN_MACHINE_USER = '/machine-users/00000000-0000-4000-8000-000000000000';

function contextAs(browser: Browser, baseURL: string, role: AccountRole, javaScriptEnabled: boolean, width = 1280) {
  return browser.newContext({
    baseURL,
    javaScriptEnabled,
    viewport: { width, height: 800 },
    storageState: paths.storageState(role),
    extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() },
  });
}

for (const javaScript of [false, true]) {
  const mode = javaScript ? 'with JavaScript' : 'without JavaScript';

  test(`an unknown address and an unknown record answer 404 with "Page not found" in the app shell, ${mode}`, async ({ browser, baseURL }) => {
    const context = await contextAs(browser, baseURL ?? '', 'admin', javaScript);
    try {
      const page = await context.newPage();
      for (const pathname of ['/no-such-page', UNKNOWN_MACHINE_USER, '/projects/no-such-project/onboarding']) {
        const response = await page.goto(pathname);
        expect(response?.status(), pathname).toBe(404);
        await expect(page.getByRole('heading', { level: 1, name: 'Page not found' }), pathname).toBeVisible();
        await expect(page.getByRole('link', { name: 'Go to the overview' })).toBeVisible();
        // Inside the app shell: its navigation is there to go on from.
        await expect(page.getByRole('navigation').first()).toBeVisible();
      }
    } finally {
      await context.close();
    }
  });

  test(`a page the role may not open answers 403 with its explanation in the app shell, ${mode}`, async ({ browser, baseURL }) => {
    const context = await contextAs(browser, baseURL ?? '', 'onboarder', javaScript, 390);
    try {
      const page = await context.newPage();
      for (const pathname of ['/audit', '/review/campaigns', '/users/sessions']) {
        const response = await page.goto(pathname);
        expect(response?.status(), pathname).toBe(403);
        await expect(page.getByText('You do not have access to this page'), pathname).toBeVisible();
      }
    } finally {
      await context.close();
    }
  });
}

test("an in-app navigation's answer stays 200 (Next's router would turn another status into a full page load) and carries the view", async ({ browser, baseURL }) => {
  const context = await contextAs(browser, baseURL ?? '', 'admin', true);
  try {
    const response = await context.request.get(`${UNKNOWN_MACHINE_USER}?_rsc`, { headers: { RSC: '1' } });
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/x-component');
    expect(await response.text()).toContain('Page not found');
  } finally {
    await context.close();
  }
});

// SECURITY.md A7 from the outside: with JavaScript off (as before hydration), every form of a page
// that can carry a token or a password is method="post" with its controls disabled, so nothing can
// be typed into it or sent, and no request the page makes carries a secret-named parameter.
import type { Browser } from '@playwright/test';
import { paths, type AccountRole } from './paths';
import { expect, syntheticAddress } from './test';

const SECRET_PARAMETER = /[?&][^=&]*(token|passw|secret)[^=&]*=/i;

/** Checks the secret forms of `pathname` as `role` with JavaScript off; answers how many there were. */
export async function expectSecretFormsInertWithoutJavaScript(browser: Browser, baseURL: string, role: AccountRole, pathname: string): Promise<number> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: paths.storageState(role), extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  try {
    const page = await context.newPage();
    const visited: string[] = [];
    page.on('request', (request) => visited.push(request.url()));
    await page.goto(pathname);
    // A native <details> opens without JavaScript (the rotate form sits in one). Only those on
    // screen: the phone menu's <details> is hidden on a wide one.
    for (const summary of await page.locator('details:not([open]) > summary').all()) if (await summary.isVisible()) await summary.click();
    const forms = page.locator('form:has(input[type="password"])');
    const count = await forms.count();
    for (let index = 0; index < count; index += 1) {
      const form = forms.nth(index);
      const label = `${pathname}: form ${(await form.getAttribute('aria-label')) ?? index + 1}`;
      expect(await form.getAttribute('method'), `${label} method`).toBe('post');
      for (const input of await form.locator('input[type="password"]').all()) await expect(input, `${label}: secret field`).toBeDisabled();
      const submit = form.locator('button[type="submit"]');
      await expect(submit, `${label}: submit`).toBeDisabled();
      // Pressing it anyway sends nothing.
      await submit.click({ force: true });
    }
    await page.waitForLoadState();
    expect(visited.filter((url) => SECRET_PARAMETER.test(url))).toEqual([]);
    return count;
  } finally {
    await context.close();
  }
}

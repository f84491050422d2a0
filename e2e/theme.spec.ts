// The dark theme (issue 14, item 10): it follows the system's colour scheme, and a choice made in
// the app is kept (a cookie, read on the server: the page arrives in its theme, with no flash and
// no script). Accessibility in the dark theme is checked by a11y.spec.ts.
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';

async function bodyBackground(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

/** Whether the body's background is dark: any CSS colour, drawn on a white canvas and read back. */
async function isDark(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    // On white: a transparent body (the browser's default canvas) reads as light, as it looks.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 1, 1);
    context.fillStyle = getComputedStyle(document.body).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    const [red = 0, green = 0, blue = 0] = context.getImageData(0, 0, 1, 1).data;
    return (red + green + blue) / 3 < 96;
  });
}

/** Presses a theme button and waits until the page shows it chosen (the cookie is set by then). */
async function choose(page: Page, theme: 'System' | 'Light' | 'Dark'): Promise<void> {
  const button = page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: theme, exact: true });
  await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
}

test('the dashboard follows the system’s dark colour scheme', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await admin.emulateMedia({ colorScheme: 'light' });
  await admin.goto('/');
  const light = await bodyBackground(admin);
  expect(await isDark(admin)).toBe(false);
  await admin.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => bodyBackground(admin)).not.toBe(light);
  expect(await isDark(admin)).toBe(true);
});

test('the sign-in page follows it too', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/sign-in');
  expect(await isDark(page)).toBe(true);
});

test('a theme chosen in the app is kept across reloads and overrides the system’s', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await admin.emulateMedia({ colorScheme: 'light' });
  await admin.goto('/tokens');
  const theme = admin.getByRole('group', { name: 'Theme' });
  await expect(theme.getByRole('button', { name: 'System', exact: true })).toHaveAttribute('aria-pressed', 'true');

  await choose(admin, 'Dark');
  await expect.poll(() => isDark(admin)).toBe(true);
  // Still on the same page.
  await expect(admin).toHaveURL(/\/tokens$/);

  await admin.reload();
  expect(await isDark(admin)).toBe(true);
  // Rendered dark by the server: the HTML itself carries the theme (no flash before a script runs).
  const html = await (await admin.request.get('/tokens')).text();
  expect(html).toMatch(/<html[^>]*class="[^"]*\bdark\b/);

  await choose(admin, 'Light');
  await admin.emulateMedia({ colorScheme: 'dark' });
  await admin.reload();
  expect(await isDark(admin)).toBe(false);

  await choose(admin, 'System');
  await admin.reload();
  expect(await isDark(admin)).toBe(true);
});

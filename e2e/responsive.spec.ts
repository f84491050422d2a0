// Narrow screens (issue 14, item 9): at 390 px no dashboard page scrolls sideways — tables scroll
// inside their card, long values are cut short with the full value on hover and focus — and the
// navigation folds behind a menu button that works with the keyboard (and without JavaScript).
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { DEMO_HAND_SET_TOKEN_PROJECT_ID } from '@/lib/platformsh/simulator';
import { demoProject, seedMachineUser } from './support/machine-users';
import { inviteByAction } from './support/seed';
import { expect, test } from './support/test';

const PHONE = { width: 390, height: 844 };

/** A valid address as long as the validation allows a local part and a label to be. */
function longEmail(label: string): string {
  return `${label}-${'x'.repeat(40)}-${randomUUID().slice(0, 8)}@${'very-long-subdomain-'.repeat(3)}e2e.keywarden.test`;
}

async function expectNoSidewaysScroll(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect.soft(scrollWidth, `${path} is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
}

test('no dashboard page scrolls sideways at 390 px, even with long values', async ({ newClient, newApiClient }) => {
  test.setTimeout(120_000);
  const adminApi = await newApiClient({ as: 'admin' });
  const context = await newClient({ as: 'admin' });
  const admin = await context.newPage();
  // Long values where the inputs allow them: a user with a 100-character name and a long address,
  // and a machine user with a long address (it shows on its list, its page and in the audit log).
  await inviteByAction(adminApi, { email: longEmail('responsive-user'), name: 'N'.repeat(100), role: 'reviewer' });
  const machineUser = await seedMachineUser(admin, adminApi, { project: demoProject('Search service'), purpose: 'backups', email: longEmail('bots+responsive') });

  await admin.setViewportSize(PHONE);
  const paths = [
    '/',
    '/projects',
    `/projects/${DEMO_HAND_SET_TOKEN_PROJECT_ID}`,
    `/projects/${DEMO_HAND_SET_TOKEN_PROJECT_ID}/onboarding`,
    '/machine-users',
    `/machine-users/${machineUser.id}`,
    '/machine-users/new',
    '/tokens',
    '/tokens?status=all',
    '/review',
    '/review/policy',
    '/review/campaigns',
    '/audit',
    '/users',
    '/settings',
    '/settings/api-keys',
    '/settings/jobs',
    '/settings/notifications',
    '/settings/mailbox',
    '/settings/webhooks',
    '/notifications',
    '/api/docs',
    '/account',
    '/users/sessions',
  ];
  for (const path of paths) await expectNoSidewaysScroll(admin, path);
});

test('a long value is cut short but its full text is on hover and focus', async ({ pageAs, newApiClient }) => {
  const email = longEmail('responsive-truncated');
  await inviteByAction(await newApiClient({ as: 'admin' }), { email, role: 'reviewer' });
  const admin = await pageAs('admin');
  await admin.setViewportSize(PHONE);
  await admin.goto(`/users?q=${encodeURIComponent(email.slice(0, 60))}`);
  const value = admin.getByTitle(email, { exact: true }).first();
  await expect(value).toBeVisible();
  // Cut short on screen (narrower than its text)…
  expect(await value.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
  // …and reachable with the keyboard, where the browser shows the title.
  await value.focus();
  await expect(value).toBeFocused();
});

test.describe('the navigation at 390 px', () => {
  test('is folded behind a menu button that opens with the keyboard and closes with Escape', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    await admin.setViewportSize(PHONE);
    await admin.goto('/');
    const menu = admin.getByRole('button', { name: 'Menu' });
    const nav = admin.getByRole('navigation', { name: 'Main' });
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav.getByRole('link', { name: 'Tokens' })).toBeHidden();
    const controls = await menu.getAttribute('aria-controls');
    expect(controls).toBeTruthy();
    await expect(admin.locator(`[id="${controls}"]`)).toHaveCount(1);

    await menu.focus();
    await admin.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(nav.getByRole('link', { name: 'Tokens' })).toBeVisible();
    // The header does not cover the product's name.
    const brand = admin.getByRole('link', { name: 'Keywarden', exact: true });
    await expect(brand).toBeVisible();
    await admin.keyboard.press('Escape');
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav.getByRole('link', { name: 'Tokens' })).toBeHidden();
    await expect(menu).toBeFocused();

    await menu.click();
    await nav.getByRole('link', { name: 'Tokens' }).click();
    await expect(admin.getByRole('heading', { name: 'Tokens', level: 1 })).toBeVisible();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
  });

  test('opens without JavaScript too', async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: (await import('./support/paths')).paths.storageState('admin'), viewport: PHONE });
    const page = await context.newPage();
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Tokens' })).toBeHidden();
    await page.getByText('Menu', { exact: true }).click();
    await expect(nav.getByRole('link', { name: 'Tokens' })).toBeVisible();
    await context.close();
  });

  test('is a plain sidebar on a wide screen', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    await admin.setViewportSize({ width: 1280, height: 800 });
    await admin.goto('/');
    await expect(admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tokens' })).toBeVisible();
    await expect(admin.getByRole('button', { name: 'Menu' })).toBeHidden();
  });
});

test('the Review tabs fit a 390 px screen whole, and nothing clips their focus ring', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await reviewer.setViewportSize(PHONE);
  await reviewer.goto('/review');
  const tabs = reviewer.getByRole('navigation', { name: 'Review' });
  for (const name of ['Findings', 'Inventory', 'Access reviews', 'Policy']) {
    const link = tabs.getByRole('link', { name, exact: true });
    await link.focus();
    // The tab with its ring (outline width beyond any offset) must lie inside every box that clips.
    const clippedBy = await link.evaluate((element) => {
      if (!element.matches(':focus-visible')) return 'no visible focus';
      const style = getComputedStyle(element);
      const ring = Math.max(0, parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset));
      const box = element.getBoundingClientRect();
      const outer = { top: box.top - ring, bottom: box.bottom + ring, left: box.left - ring, right: box.right + ring };
      if (outer.left < 0 || outer.right > document.documentElement.clientWidth) return 'the window';
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const parentStyle = getComputedStyle(parent);
        if (parentStyle.overflowX === 'visible' && parentStyle.overflowY === 'visible') continue;
        const clip = parent.getBoundingClientRect();
        if (outer.top < clip.top || outer.bottom > clip.bottom || outer.left < clip.left || outer.right > clip.right) return `<${parent.tagName.toLowerCase()} class="${parent.className}">`;
      }
      return null;
    });
    expect.soft(clippedBy, `the ${name} tab (focused) is clipped by`).toBeNull();
  }
});

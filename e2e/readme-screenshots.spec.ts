// The README's screenshots (public/readme/), captured from the production build in sandbox mode:
//
//   npm run build && KEYWARDEN_CAPTURE_README=1 npx playwright test e2e/readme-screenshots.spec.ts
//
// Not part of ordinary runs (playwright.config.ts leaves it out without the variable): it checks
// nothing, it only takes pictures.
import path from 'node:path';
import { inviteByAction } from './support/seed';
import { expect, test } from './support/test';

const OUTPUT = path.join(process.cwd(), 'public', 'readme');

test('the Users page, light and dark', async ({ pageAs, newApiClient }) => {
  const admin = await newApiClient({ as: 'admin' });
  await inviteByAction(admin, { email: 'grace@example.com', name: 'Grace Hopper', role: 'onboarder' });
  await inviteByAction(admin, { email: 'linus@example.com', name: 'Linus Review', role: 'reviewer' });
  const page = await pageAs('admin');
  await page.setViewportSize({ width: 1280, height: 720 });
  for (const [scheme, file] of [
    ['light', 'overview.png'],
    ['dark', 'overview-dark.png'],
  ] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/users');
    await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
    await page.screenshot({ path: path.join(OUTPUT, file) });
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/machine-users');
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.screenshot({ path: path.join(OUTPUT, 'phone-menu.png') });
});

test('the reviewer’s Findings view', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await reviewer.setViewportSize({ width: 1280, height: 900 });
  await reviewer.emulateMedia({ colorScheme: 'light' });
  await reviewer.goto('/review');
  await expect(reviewer.getByRole('heading', { name: 'Findings', level: 1 })).toBeVisible();
  await reviewer.screenshot({ path: path.join(OUTPUT, 'review-findings.png') });
  await reviewer.goto('/review/inventory');
  await expect(reviewer.getByRole('heading', { name: 'Inventory', level: 1 })).toBeVisible();
  await reviewer.screenshot({ path: path.join(OUTPUT, 'review-inventory.png') });
});

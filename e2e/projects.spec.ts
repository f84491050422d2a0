// The inventory in sandbox mode: the first start synced the demo organisation from the simulator;
// "Sync now" shows live progress and refreshes the list; the list's search, filters, sort and
// pagination live in the URL; the project page shows environments, token-variable flags and access.
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { DEMO_HAND_SET_TOKEN_PROJECT_ID } from '@/lib/platformsh/simulator';
import { expect, test, waitForHydration } from './support/test';

const [storefront, checkout] = DEMO_PROJECTS;
if (!storefront || !checkout) throw new Error('The demo organisation has at least two projects');
const TITLES = DEMO_PROJECTS.map((project) => project.title);

function projectRows(page: import('@playwright/test').Page) {
  return page.getByRole('region', { name: 'Projects table' }).getByRole('row').filter({ has: page.getByRole('cell') });
}

test('the first start lists every demo project, synced from the simulator', async ({ pageAs }) => {
  const page = await pageAs('reviewer');
  await page.goto('/projects');
  await expect(projectRows(page)).toHaveCount(DEMO_PROJECTS.length);
  await expect(projectRows(page).getByRole('link')).toHaveText([...TITLES].sort((a, b) => a.localeCompare(b)));
  const panel = page.getByRole('region', { name: /Inventory sync/ });
  await expect(panel).toContainText(/of 10 projects read/);
  // Reviewers read; they do not sync.
  await expect(page.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
});

test('an admin syncs now: progress is shown live, then the summary', async ({ pageAs }) => {
  const page = await pageAs('admin');
  await page.goto('/projects');
  await waitForHydration(page, 'main button');
  const panel = page.getByRole('region', { name: /Inventory sync/ });
  // A full run re-reads every environment's variables: long enough (paced requests) to watch.
  await panel.getByLabel('Re-read every environment’s variables').check();
  await panel.getByRole('button', { name: 'Sync now' }).click();
  const progress = panel.getByRole('progressbar', { name: 'Sync progress' });
  await expect(progress).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Syncing…' })).toBeDisabled();
  await expect(progress).toHaveAttribute('aria-valuemax', '10');
  await expect(progress).toBeHidden({ timeout: 30_000 });
  await expect(panel).toContainText('Succeeded');
  await expect(panel).toContainText(/Started by .*, full, finished .*: 10 of 10 projects read, 58 environments, variables re-read on 58\./);
  await expect(projectRows(page)).toHaveCount(DEMO_PROJECTS.length);
});

test('search, filter, sort and pagination state live in the URL', async ({ pageAs, baseURL }) => {
  const page = await pageAs('admin');
  await page.goto('/projects');
  await waitForHydration(page, 'form[role="search"]');
  await page.getByLabel('Search projects').fill('CHECK');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/[?&]q=CHECK/);
  await expect(projectRows(page).getByRole('link')).toHaveText([checkout.title]);

  // Seeded on production: Checkout API (by hand, long ago) and Storefront (its deploy bot). The
  // onboarding spec pushes a token to Docs' production too, which a sync running meanwhile may
  // already have seen; no spec pushes to Legacy CMS's production.
  await page.goto('/projects?variable=on-production');
  await expect(projectRows(page).getByRole('link')).toContainText([checkout.title, storefront.title]);
  await expect(projectRows(page).getByRole('link', { name: 'Legacy CMS' })).toHaveCount(0);
  await expect(page.getByLabel('CLI token on production')).toHaveValue('on-production');

  // Sorting by environments, descending: Storefront has the most (12).
  await page.goto('/projects');
  await page.getByRole('link', { name: 'Environments' }).click();
  await expect(page).toHaveURL(`${baseURL}/projects?sort=environments`);
  await page.getByRole('link', { name: 'Environments' }).click();
  await expect(page).toHaveURL(`${baseURL}/projects?sort=environments&dir=desc`);
  await expect(projectRows(page).first().getByRole('link')).toHaveText(storefront.title);
  await expect(page.getByRole('columnheader', { name: /Environments/ })).toHaveAttribute('aria-sort', 'descending');

  // A hand-edited URL falls back to defaults instead of an error page.
  const response = await page.goto('/projects?sort=nonsense&dir=sideways&page=-4&variable=maybe');
  expect(response?.status()).toBe(200);
  await expect(projectRows(page)).toHaveCount(DEMO_PROJECTS.length);
  await page.goto('/projects?page=9');
  await expect(page.getByRole('heading', { name: 'This page is empty' })).toBeVisible();
  await page.goto('/projects?q=no-such-project');
  await expect(page.getByRole('heading', { name: 'No projects match these filters' })).toBeVisible();
});

test('the project page shows environments, the token variables’ flags and who has access', async ({ pageAs }) => {
  const page = await pageAs('admin');
  await page.goto('/projects');
  await page.getByRole('link', { name: checkout.title }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${DEMO_HAND_SET_TOKEN_PROJECT_ID}$`));
  await expect(page.getByRole('heading', { name: checkout.title, level: 1 })).toBeVisible();

  const environments = page.getByRole('region', { name: 'Environments table' });
  await expect(environments.getByRole('row').filter({ has: page.getByRole('cell') })).toHaveCount(6);
  await expect(environments.getByRole('row', { name: /Main main Main production active/ })).toBeVisible();
  await expect(environments.getByRole('row', { name: /Staging staging staging active main/ })).toBeVisible();

  // The token set by hand long ago: sensitive, but inheritable, so every child inherits it; not Keywarden's.
  const tokens = page.getByRole('region', { name: 'Token variables table' });
  const own = tokens.getByRole('row', { name: /^main not Keywarden’s Yes Yes Yes Yes Yes/ });
  await expect(own).toContainText('inheritable: child environments receive it');
  await expect(tokens.getByRole('row').filter({ hasText: '(inherited)' })).toHaveCount(5);

  const access = page.getByRole('region', { name: 'Users with access table' });
  await expect(access.getByRole('row').filter({ hasText: 'Project admin (admin on every environment type)' })).toHaveCount(1);
  // Named by Platform.sh's answer (issue 14.12), not a bare id.
  await expect(access.getByRole('row').filter({ hasText: 'Project admin (admin on every environment type)' })).toContainText('Alice Martin alice@example.com');
  await expect(access.getByRole('row').filter({ hasText: 'Project viewer; staging: viewer, development: contributor' })).toHaveCount(1);
});

test('an onboarder sees only assigned projects, and no page of the others', async ({ pageAs }) => {
  const page = await pageAs('onboarder');
  await page.goto('/projects');
  await expect(projectRows(page).getByRole('link')).toHaveText([checkout.title, storefront.title]);
  const other = DEMO_PROJECTS.find((project) => project.id !== storefront.id && project.id !== checkout.id)!;
  const response = await page.goto(`/projects/${other.id}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByText(other.title)).toHaveCount(0);
});

test('the sync status endpoint needs a session', async ({ newApiClient }) => {
  const anonymous = await newApiClient();
  const response = await anonymous.get('/api/inventory/sync');
  expect(response.status()).toBe(401);
  const reviewer = await newApiClient({ as: 'reviewer' });
  const status = await reviewer.get('/api/inventory/sync');
  expect(status.status()).toBe(200);
  expect(((await status.json()) as { run: { status: string } }).run.status).toMatch(/succeeded|running/);
});

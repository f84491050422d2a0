// The reviewer's Inventory (issue 15 §1) and the searchable, sortable Tokens and Machine users lists
// (issue 14.11), in Chromium against the production build in sandbox mode: a reviewer filters the
// inventory with the GET form and the URL holds the filter; the CSV and JSON exports of that filter
// download, parse, and hold no token value or fingerprint; the lists search and sort through their
// column headers (aria-sort, state in the URL); filtered empty states offer "Clear filters" and never
// suggest a sync; at 390 px the inventory does not scroll sideways.
//
// The token pushed here goes to Customer portal's feature-cart: no other spec pushes there (offboarding
// uses feature-i18n and hotfix-vat of the same project) and it is not production (projects.spec
// counts "CLI token on production").
import fs from 'node:fs';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { CSV_COLUMNS } from '@/lib/domain/review/inventory-shape';
import { encodingsOf } from '@/lib/security/redact';
import { acceptInSandbox, demoProject, openMachineUserInteractive, pageSection, seedMachineUser } from './support/machine-users';
import { tokenFromConsoleLink } from './support/sandbox';
import { expect, test, uniqueEmail } from './support/test';

const PROJECT = demoProject('Customer portal');
const ENVIRONMENT = 'feature-cart';
const PHONE = { width: 390, height: 844 };
const FINGERPRINT_LIKE = /[0-9a-f]{64}/;

/** The data rows of a table region (the header row aside). */
function dataRows(region: Locator): Locator {
  return region.locator('tbody tr');
}

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('form', { name: 'Export inventory' }).getByRole('button', { name: button }).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: fs.readFileSync(path, 'utf8') };
}

/** Two machine users sharing a prefix nobody else has (so their relative order is the sort's); returns the prefix. */
async function seedPair(admin: Page, adminApi: APIRequestContext, label: string): Promise<string> {
  const prefix = uniqueEmail(label).split('@')[0]!;
  for (const suffix of ['a', 'b']) await seedMachineUser(admin, adminApi, { project: demoProject('Search service'), purpose: 'custom', email: `${prefix}-${suffix}@e2e.keywarden.test` });
  return prefix;
}

function expectNoSecret(text: string, token: string): void {
  for (const form of encodingsOf(token)) expect(text).not.toContain(form);
  expect(text).not.toMatch(FINGERPRINT_LIKE);
}

test('a reviewer filters the inventory, the URL holds the filter, and the CSV and JSON exports hold no token value or fingerprint', async ({ pageAs, newApiClient, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: PROJECT, purpose: 'ci_tests', email: uniqueEmail('bots+inventory') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  const tokens = pageSection(admin, 'Tokens');
  const token = await tokenFromConsoleLink(admin);
  await tokens.getByLabel('API token', { exact: true }).fill(token);
  await tokens.getByRole('group', { name: /Push to these environments/ }).getByRole('checkbox', { name: ENVIRONMENT }).check();
  await tokens.getByRole('button', { name: 'Verify and push' }).click();
  await expect(tokens.getByRole('status').filter({ hasText: 'The token is set on the environment' })).toBeVisible({ timeout: 30_000 });
  const lastFour = token.slice(-4);

  const reviewer = await pageAs('reviewer');
  await reviewer.goto('/review/inventory');
  await expect(reviewer.getByRole('heading', { name: 'Inventory', level: 1 })).toBeVisible();
  await expect(reviewer.getByRole('navigation', { name: 'Review' }).getByRole('link', { name: 'Inventory' })).toHaveAttribute('aria-current', 'page');
  const filters = reviewer.getByRole('search', { name: 'Inventory filters' });
  await filters.getByLabel('Search').fill(machineUser.email);
  await filters.getByLabel('Purpose').selectOption('ci_tests');
  await filters.getByLabel('Token status').selectOption('active');
  await filters.getByRole('button', { name: 'Apply' }).click();

  await expect(reviewer).toHaveURL(/\/review\/inventory\?/);
  const url = new URL(reviewer.url());
  expect([url.searchParams.get('q'), url.searchParams.get('purpose'), url.searchParams.get('status')]).toEqual([machineUser.email, 'ci_tests', 'active']);
  const table = reviewer.getByRole('region', { name: 'Machine users inventory' });
  await expect(dataRows(table)).toHaveCount(1);
  await expect(dataRows(table)).toContainText(machineUser.email);
  await expect(dataRows(table)).toContainText(`…${lastFour}`);
  await expect(dataRows(table)).toContainText(`held by ${ENVIRONMENT}`);
  // A purpose filter applies to machine users only: the other sections step aside, and say why.
  await expect(reviewer.getByRole('heading', { name: /Accounts with access/ })).toHaveCount(0);
  await expect(reviewer.getByRole('main')).toContainText('Some sections are hidden');

  // The URL is the filter: a reload (or a shared link) shows the same inventory with the form filled in.
  await reviewer.goto(url.toString());
  await expect(filters.getByLabel('Search')).toHaveValue(machineUser.email);
  await expect(filters.getByLabel('Purpose')).toHaveValue('ci_tests');
  await expect(dataRows(table)).toHaveCount(1);

  const csv = await download(reviewer, 'Export CSV');
  expect(csv.name).toMatch(/^keywarden-inventory-.*\.csv$/);
  const lines = csv.text.trimEnd().split('\r\n');
  expect(lines[0]).toBe(CSV_COLUMNS.join(','));
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(machineUser.email);
  expect(lines[1]).toContain(lastFour);
  expect(lines[1]).toContain(',active,');
  expect(lines[1]).toContain(ENVIRONMENT);
  expectNoSecret(csv.text, token);

  const json = await download(reviewer, 'Export JSON');
  expect(json.name).toMatch(/\.json$/);
  const records = JSON.parse(json.text) as { kind: string; email: string; tokens: { lastFour: string; status: string; environments: { id: string }[] }[] }[];
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ kind: 'machine_user', email: machineUser.email, tokens: [{ lastFour, status: 'active', environments: [{ id: ENVIRONMENT }] }] });
  expectNoSecret(json.text, token);

  // The export route answers no one without a session.
  const anonymous = await newApiClient();
  const refused = await anonymous.get(`${baseURL}/api/review/inventory/export?format=csv`);
  expect(refused.status()).toBe(401);

  // Clear filters brings the whole inventory back, the hidden sections with it.
  await filters.getByRole('link', { name: 'Clear filters' }).click();
  await expect(reviewer).toHaveURL(`${baseURL}/review/inventory`);
  await expect(reviewer.getByRole('heading', { name: /Accounts with access that are not Keywarden’s/ })).toBeVisible();
  await expect(reviewer.getByRole('region', { name: 'Accounts with access not Keywarden’s' })).toContainText('alice@example.com');
});

test('the inventory sorts by its column headers, with the sort in the URL and aria-sort on the header', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const prefix = await seedPair(admin, await newApiClient({ as: 'admin' }), 'bots+inventory-sort');
  const reviewer = await pageAs('reviewer');
  await reviewer.goto(`/review/inventory?managed=managed&q=${encodeURIComponent(prefix)}`);
  const table = reviewer.getByRole('region', { name: 'Machine users inventory' });
  await expect(dataRows(table)).toHaveCount(2);
  const header = () => table.getByRole('columnheader', { name: 'Machine user' });
  await expect(header()).toHaveAttribute('aria-sort', 'none');
  await header().getByRole('link').click();
  await expect(reviewer).toHaveURL(/sort=email/);
  await expect(header()).toHaveAttribute('aria-sort', 'ascending');
  await expect(dataRows(table).first()).toContainText(`${prefix}-a@`);
  // The filter stays with the sort.
  expect(new URL(reviewer.url()).searchParams.get('managed')).toBe('managed');
  expect(new URL(reviewer.url()).searchParams.get('q')).toBe(prefix);
  await header().getByRole('link').click();
  await expect(reviewer).toHaveURL(/dir=desc/);
  await expect(header()).toHaveAttribute('aria-sort', 'descending');
  await expect(dataRows(table).first()).toContainText(`${prefix}-b@`);
  await expect(table.getByRole('columnheader', { name: 'Project' })).toHaveAttribute('aria-sort', 'none');
});

test('the Tokens and Machine users lists search and sort through the URL; a filtered empty list offers Clear filters, never a sync', async ({ pageAs, newApiClient, baseURL }) => {
  const admin = await pageAs('admin');
  const adminApi = await newApiClient({ as: 'admin' });
  const prefix = await seedPair(admin, adminApi, 'bots+sortcheck');

  await admin.goto('/machine-users');
  const search = admin.getByRole('search', { name: 'Machine users' });
  await search.getByLabel('Search machine users').fill(prefix);
  await search.getByRole('button', { name: 'Apply' }).click();
  await expect(admin).toHaveURL(/[?&]q=/);
  expect(new URL(admin.url()).searchParams.get('q')).toBe(prefix);
  const table = admin.getByRole('region', { name: 'Machine users table' });
  await expect(dataRows(table)).toHaveCount(2);
  await table.getByRole('columnheader', { name: 'Machine user' }).getByRole('link').click();
  await expect(table.getByRole('columnheader', { name: 'Machine user' })).toHaveAttribute('aria-sort', 'ascending');
  await expect(dataRows(table).first()).toContainText(`${prefix}-a@`);
  await table.getByRole('columnheader', { name: 'Machine user' }).getByRole('link').click();
  await expect(table.getByRole('columnheader', { name: 'Machine user' })).toHaveAttribute('aria-sort', 'descending');
  await expect(dataRows(table).first()).toContainText(`${prefix}-b@`);
  expect(new URL(admin.url()).searchParams.get('q')).toBe(prefix);
  // The Overview's link still filters.
  await admin.goto('/machine-users?state=expired');
  await expect(admin.getByLabel('State')).toHaveValue('expired');

  await admin.goto(`/machine-users?q=${encodeURIComponent('no-such-machine-user-zz')}`);
  const emptyMachineUsers = admin.getByRole('main').locator('section').filter({ hasText: 'No machine users match these filters' });
  await expect(emptyMachineUsers).toBeVisible();
  await expect(emptyMachineUsers).not.toContainText(/sync/i);
  await emptyMachineUsers.getByRole('link', { name: 'Clear filters' }).click();
  await expect(admin).toHaveURL(`${baseURL}/machine-users`);

  await admin.goto('/tokens?status=all');
  const tokens = admin.getByRole('region', { name: 'Tokens table' });
  await tokens.getByRole('columnheader', { name: 'Rotate by' }).getByRole('link').click();
  // Rotate-by ascending is the default: its header now sorts descending.
  await expect(admin).toHaveURL(/dir=desc/);
  await expect(tokens.getByRole('columnheader', { name: 'Rotate by' })).toHaveAttribute('aria-sort', 'descending');
  expect(new URL(admin.url()).searchParams.get('status')).toBe('all');
  // Each page is in the order it says (descending rotate-by dates).
  const dates = await dataRows(tokens).evaluateAll((rows) => rows.map((row) => row.querySelectorAll('td')[4]?.textContent ?? ''));
  expect(dates).toEqual([...dates].sort().reverse());
  await tokens.getByRole('columnheader', { name: 'Token' }).getByRole('link').click();
  await expect(tokens.getByRole('columnheader', { name: 'Token' })).toHaveAttribute('aria-sort', 'ascending');
  await expect(tokens.getByRole('columnheader', { name: 'Rotate by' })).toHaveAttribute('aria-sort', 'none');

  await admin.goto(`/tokens?q=${encodeURIComponent('no-such-token-zz')}`);
  const emptyTokens = admin.getByRole('main').locator('section').filter({ hasText: 'No tokens match these filters' });
  await expect(emptyTokens).toBeVisible();
  await expect(emptyTokens).not.toContainText(/sync/i);
  await expect(admin.getByRole('search', { name: 'Tokens' }).getByLabel('Search tokens')).toHaveValue('no-such-token-zz');
  await emptyTokens.getByRole('link', { name: 'Clear filters' }).click();
  await expect(admin).toHaveURL(`${baseURL}/tokens`);
  // The Overview's links still filter.
  await admin.goto('/tokens?status=all&drift=yes');
  await expect(admin.getByRole('link', { name: 'Clear filters' }).first()).toBeVisible();
});

test('at 390 px the inventory does not scroll sideways: its tables scroll inside their cards', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await reviewer.setViewportSize(PHONE);
  await reviewer.goto('/review/inventory');
  await expect(reviewer.getByRole('heading', { level: 1, name: 'Inventory' })).toBeVisible();
  await expect(reviewer.getByRole('region', { name: 'Accounts with access not Keywarden’s' })).toBeVisible();
  const { scrollWidth, innerWidth } = await reviewer.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `the inventory is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
  // The wide table does scroll, inside its own region.
  const table = reviewer.getByRole('region', { name: 'Accounts with access not Keywarden’s' });
  expect(await table.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
});

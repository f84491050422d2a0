// The Audit page as a reviewer uses it (issue 15 §6, issue 14.11): filter by action and date, the
// target's name linking to its page, exports of the current filter as CSV and NDJSON (downloaded
// and parsed; no fingerprint, no token value), "Verify the chain" with and without JavaScript — and
// an onboarder gets none of it. Other specs write to the same log at the same time: nothing here
// counts rows, each test finds its own by the unique address it seeded.
import fs from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { demoProject, seedMachineUser } from './support/machine-users';
import { expect, test, uniqueEmail } from './support/test';

const EXPORT_COLUMNS = [
  'seq',
  'occurred_at',
  'actor_email',
  'actor_role',
  'actor_claimed',
  'action',
  'event',
  'outcome',
  'target_type',
  'target_id',
  'target_name',
  'token_label',
  'reason',
  'before',
  'after',
  'step',
  'client_address',
  'details',
  'mac',
];

/** A 64-hex value (a keyed fingerprint's shape) or a 43-character base64url value (a token's shape). */
const SECRET_SHAPES = [/\b[0-9a-f]{64}\b/, /(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{43}($|[^A-Za-z0-9_-])/];

/** Every value of an exported row but its mac (a 64-hex value by design), which must be one. */
function withoutMac(row: Record<string, unknown>): unknown[] {
  expect(row.mac).toMatch(/^[0-9a-f]{64}$/);
  return Object.entries(row).filter(([key]) => key !== 'mac').map(([, value]) => value);
}

function expectNoSecretShapes(values: unknown[], label: string): void {
  for (const value of values) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    for (const shape of SECRET_SHAPES) expect(text, `${label}: ${text}`).not.toMatch(shape);
  }
}

async function exportAs(page: Page, format: 'CSV' | 'NDJSON'): Promise<{ download: Download; body: string }> {
  const form = page.getByRole('form', { name: 'Export the audit log' });
  await form.getByLabel('Export format').selectOption({ label: format });
  const [download] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: 'Export these events' }).click()]);
  const file = await download.path();
  return { download, body: fs.readFileSync(file, 'utf8') };
}

test('a reviewer filters by action and date, follows the target’s name, exports CSV and NDJSON, and verifies the chain', async ({ pageAs, newApiClient }) => {
  // Something to find: an admin invites a machine user with an address of its own.
  const admin = await pageAs('admin');
  const email = uniqueEmail('bots+audit-trail');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: demoProject('Search service'), purpose: 'backups', email });

  const reviewer = await pageAs('reviewer');
  await reviewer.goto('/audit');
  const today = new Date().toISOString().slice(0, 10);
  const filters = reviewer.getByRole('search', { name: 'Audit events' });
  await filters.getByLabel('Action').selectOption('machine_user.invite');
  await filters.getByLabel('Target name or id contains').fill(email);
  await filters.getByLabel('From (UTC)').fill(today);
  await filters.getByLabel('To (UTC, inclusive)').fill(today);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(reviewer).toHaveURL(/action=machine_user\.invite/);
  await expect(reviewer).toHaveURL(new RegExp(`from=${today}`));

  const table = reviewer.getByRole('region', { name: 'Audit events table' });
  // Each event in words, its code name beside it.
  const recorded = table.getByRole('row').filter({ hasText: 'Invite a machine user — recorded, before anything is sent' });
  await expect(recorded).toHaveCount(1);
  // The target by name, linking to its page, with its id beside it.
  const link = recorded.getByRole('link', { name: email });
  await expect(link).toHaveAttribute('href', `/machine-users/${machineUser.id}`);
  // The name may wrap where words may (after a hyphen), never mid-word: the cell widens instead.
  const midWordBreaks = await link.evaluate((element) => {
    const text = element.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) return ['no text'];
    const range = document.createRange();
    const topOf = (index: number) => {
      range.setStart(text, index);
      range.setEnd(text, index + 1);
      return range.getBoundingClientRect().top;
    };
    const content = text.textContent ?? '';
    const breaks: string[] = [];
    for (let index = 1; index < content.length; index += 1) {
      if (topOf(index) > topOf(index - 1) + 1 && !/[-\s]/.test(content[index - 1] ?? '')) breaks.push(`${content.slice(0, index)} | ${content.slice(index)}`);
    }
    return breaks;
  });
  expect(midWordBreaks, `${email} is broken mid-word`).toEqual([]);
  await expect(recorded).toContainText(`machine_user:${machineUser.id}`);
  await expect(recorded).toContainText('machine_user.invite');
  await expect(table.getByRole('row').filter({ hasText: 'Invite a machine user — the invitation sent' })).toHaveCount(1);

  // A sort keeps the filters.
  await table.getByRole('link', { name: 'Action' }).click();
  await expect(reviewer).toHaveURL(/sort=action/);
  await expect(reviewer).toHaveURL(/action=machine_user\.invite/);
  await expect(table.getByRole('row').filter({ hasText: email })).toHaveCount(2);

  // CSV of the current filter: the header, and the rows of this machine user only.
  const csv = await exportAs(reviewer, 'CSV');
  expect(csv.download.suggestedFilename()).toMatch(/^keywarden-audit-.*\.csv$/);
  const [header] = parse(csv.body, { to: 1 }) as string[][];
  expect(header).toEqual(EXPORT_COLUMNS);
  const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
  expect(rows.map((row) => [row.action, row.event, row.target_id, row.target_name, row.step])).toEqual([
    ['machine_user.invite', 'Invite a machine user — recorded, before anything is sent', machineUser.id, email, 'recorded'],
    ['machine_user.invite', 'Invite a machine user — the invitation sent', machineUser.id, email, 'invitation_sent'],
  ]);
  expectNoSecretShapes(rows.flatMap(withoutMac), 'CSV');

  const ndjson = await exportAs(reviewer, 'NDJSON');
  expect(ndjson.download.suggestedFilename()).toMatch(/\.ndjson$/);
  const lines = ndjson.body.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toHaveLength(2);
  expect(Object.keys(lines[0]!)).toEqual(EXPORT_COLUMNS);
  expect(lines[0]).toMatchObject({ action: 'machine_user.invite', target_type: 'machine_user', target_id: machineUser.id, target_name: email });
  expectNoSecretShapes(lines.flatMap(withoutMac), 'NDJSON');

  // Each export is on the log, by the reviewer, with its filter.
  await reviewer.goto(`/audit?action=audit.export&target=`);
  await expect(reviewer.getByRole('region', { name: 'Audit events table' }).getByRole('row').filter({ hasText: 'audit.export' }).first()).toContainText('reviewer');

  // Verify the chain: while it runs, the button says so and cannot be pressed again (the action's
  // post is held here); then OK, with the head.
  let releaseVerification = () => {};
  const held = new Promise<void>((resolve) => (releaseVerification = resolve));
  const isAuditPage = (url: URL) => url.pathname === '/audit';
  await reviewer.route(isAuditPage, async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  const verifyForm = reviewer.getByRole('form', { name: 'Verify the chain' });
  const answered = reviewer.waitForResponse((response) => response.request().method() === 'POST' && isAuditPage(new URL(response.url())));
  await verifyForm.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(verifyForm.getByRole('button', { name: 'Verifying…' })).toBeDisabled();
  releaseVerification();
  await answered;
  await reviewer.unroute(isAuditPage);
  const status = reviewer.getByRole('region', { name: 'Tamper evidence' }).getByRole('status');
  await expect(status).toContainText('OK');
  await expect(status).toContainText(/Head: row \d+, mac [0-9a-f]{16}…/);
  await expect(status).toContainText('by ');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the verify button is a plain form post, and a filter with no match offers Clear filters', async ({ newClient }) => {
    const reviewer = await (await newClient({ as: 'reviewer' })).newPage();
    await reviewer.goto('/audit');
    // Whole seconds, as the page shows them.
    const clickedAt = Math.floor(Date.now() / 1000) * 1000;
    await reviewer.getByRole('button', { name: 'Verify the chain' }).click();
    const status = reviewer.getByRole('region', { name: 'Tamper evidence' }).getByRole('status');
    await expect(status).toContainText('OK');
    // This very verification, not an earlier one's result.
    const shown = /Verified (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC/.exec((await status.textContent()) ?? '');
    expect(shown).not.toBeNull();
    expect(Date.parse(`${shown![1]}T${shown![2]}Z`)).toBeGreaterThanOrEqual(clickedAt);

    await reviewer.goto(`/audit?target=${encodeURIComponent(uniqueEmail('nobody-at-all'))}`);
    await expect(reviewer.getByText('No events match these filters')).toBeVisible();
    await reviewer.getByRole('main').getByRole('link', { name: 'Clear filters' }).last().click();
    await expect(reviewer).toHaveURL(/\/audit$/);
  });
});

test('an onboarder gets no audit log: no page, no export, no verification', async ({ pageAs, newApiClient }) => {
  const onboarder = await pageAs('onboarder');
  await onboarder.goto('/audit');
  await expect(onboarder.getByText('You do not have access to this page')).toBeVisible();
  await expect(onboarder.getByRole('form', { name: 'Export the audit log' })).toHaveCount(0);
  await expect(onboarder.getByRole('form', { name: 'Verify the chain' })).toHaveCount(0);
  const api = await newApiClient({ as: 'onboarder' });
  const response = await api.get('/api/audit/export?format=csv');
  expect(response.status()).toBe(403);
  expect(response.headers()['content-disposition']).toBeUndefined();
  // Without a session: refused too.
  const stranger = await newApiClient();
  expect((await stranger.get('/api/audit/export?format=ndjson', { maxRedirects: 0 })).status()).toBeGreaterThanOrEqual(300);
});

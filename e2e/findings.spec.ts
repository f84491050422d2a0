// Findings and policy (issue 15 §2) in sandbox mode: a reviewer sees the demo's findings on /review
// — a compromised token still to delete, an overdue rotation, an address override, a token made
// outside Keywarden, hand-set inheritable token variables — and cannot accept a risk (no control
// here; the replayed call is refused in role-matrix.spec.ts); an admin accepts one with a reason
// and it moves to Accepted; the Policy page previews what a change would open before it is saved.
//
// The review demo's findings on Legacy CMS and Search service are stable: no other spec changes
// those machine users. role-matrix.spec.ts accepts the token made in the Console; this spec accepts
// one of the two address-override findings.
import type { Page } from '@playwright/test';
import { CLI_TOKEN_VARIABLE } from '@/lib/platformsh';
import { DEMO_HAND_SET_TOKEN_PROJECT_ID } from '@/lib/platformsh/simulator';
import { expect, test, waitForHydration } from './support/test';

const DEMO_FINDINGS: { rule: string; title: string }[] = [
  { rule: 'token.compromised_not_deleted', title: 'Compromised token still works' },
  { rule: 'token.past_rotate_by', title: 'Token past its rotate-by date' },
  { rule: 'machine_user.shared_address', title: 'Machine user on more than one project' },
  { rule: 'token.made_outside_keywarden', title: 'Token made outside Keywarden' },
  { rule: 'variable.inheritable', title: 'Token variable is inheritable' },
  { rule: 'variable.not_keywarden', title: `${CLI_TOKEN_VARIABLE} with no Keywarden record` },
];

const cards = (page: Page) => page.getByRole('list', { name: 'Findings' }).getByRole('article');

test('a reviewer sees every finding the demo holds, with evidence, reason, fix and links, and no way to accept a risk', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await reviewer.goto('/review');
  await expect(reviewer.getByRole('heading', { level: 1, name: 'Findings' })).toBeVisible();
  await expect(reviewer.getByRole('navigation', { name: 'Review' }).getByRole('link', { name: 'Findings' })).toHaveAttribute('aria-current', 'page');
  // The compromised token is critical: the summary counts it.
  const critical = reviewer.getByRole('link', { name: /Critical open/ });
  await expect(critical).not.toContainText(/^0/);

  for (const { rule, title } of DEMO_FINDINGS) {
    await reviewer.goto(`/review?rule=${rule}`);
    const found = cards(reviewer).filter({ has: reviewer.getByRole('heading', { level: 3, name: title }) });
    await expect(found.first(), `${rule} on /review`).toBeVisible();
    await expect(found.first()).toContainText(rule);
    await expect(found.first()).toContainText('Why it matters:');
    await expect(found.first()).toContainText('Fix:');
    await expect(found.first()).toContainText(/First seen .* · last seen /);
  }

  // The hand-set inheritable variable names its project and what inherits it.
  await reviewer.goto('/review?rule=variable.inheritable');
  const inheritable = cards(reviewer).filter({ hasText: 'Checkout API' }).first();
  await expect(inheritable.getByRole('link', { name: 'Project Checkout API' })).toHaveAttribute('href', `/projects/${DEMO_HAND_SET_TOKEN_PROJECT_ID}`);
  await expect(inheritable).toContainText('Inherited by');
  await expect(inheritable).toContainText('staging');

  // The compromised token links to its machine user's page, which exists.
  await reviewer.goto('/review?rule=token.compromised_not_deleted');
  const compromised = cards(reviewer).first();
  await expect(compromised).toContainText('Critical');
  await compromised.getByRole('link', { name: /^Machine user / }).click();
  await expect(reviewer.getByRole('heading', { level: 1, name: 'bots+legacy-cms-source-ops@example.com' })).toBeVisible();

  // Read-only for reviewers: no control to accept a risk anywhere in the list.
  await reviewer.goto('/review');
  await expect(reviewer.getByRole('button', { name: /Accept the risk/ })).toHaveCount(0);

  // Filters live in the URL; a filter that matches nothing says so.
  await reviewer.goto('/review?severity=low&rule=drift.roles');
  await expect(reviewer.getByRole('heading', { name: 'No findings match these filters' })).toBeVisible();
  await expect(reviewer.getByLabel('Severity', { exact: true })).toHaveValue('low');
  // It does not claim there is nothing to find: the demo holds open findings of other severities.
  await expect(reviewer.getByRole('main')).not.toContainText('Nothing breaks the policy right now');
  // Among the resolved ones, clearing the filters stays among the resolved ones.
  await reviewer.goto('/review?status=resolved&severity=low&rule=drift.roles');
  await expect(reviewer.getByRole('heading', { name: 'No findings match these filters' })).toBeVisible();
  await expect(reviewer.getByRole('main')).not.toContainText('No finding has been resolved yet');
  await reviewer.getByRole('main').getByRole('link', { name: 'Clear filters' }).last().click();
  await expect(reviewer).toHaveURL(/\/review\?status=resolved$/);
  await expect(reviewer.getByLabel('Status', { exact: true })).toHaveValue('resolved');
});

test('an admin accepts a risk with a reason and an end date; it moves to Accepted', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await admin.goto('/review?rule=machine_user.shared_address&project=f3q8lm6zr2wyc');
  const card = cards(admin).first();
  await expect(card).toBeVisible();
  const findingId = ((await card.getAttribute('aria-labelledby')) ?? '').replace(/^finding-/, '');
  expect(findingId).toMatch(/^[0-9a-f-]{36}$/);
  await waitForHydration(admin, 'main button');

  await card.getByRole('button', { name: 'Accept the risk: Machine user on more than one project' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Accept the risk: Machine user on more than one project?' });
  await expect(dialog).toContainText('then shows as open again');
  // Without a reason: refused, and the dialog stays open with the field's error.
  await dialog.getByRole('button', { name: 'Accept the risk' }).click();
  await expect(dialog).toContainText('Explain in a sentence why the risk is accepted');
  await dialog.getByLabel('Why the risk is accepted').fill('The CI split is planned for the next quarter.');
  const until = await dialog.getByLabel('Accepted until').inputValue();
  await dialog.getByRole('button', { name: 'Accept the risk' }).click();
  await expect(dialog).toBeHidden();
  // The card leaves the open list; the confirmation stays on the page, where it is seen and heard.
  await expect(admin.locator(`article[aria-labelledby="finding-${findingId}"]`)).toHaveCount(0);
  await expect(admin.getByRole('status').filter({ hasText: `Accepted as a risk until ${until}: Machine user on more than one project.` })).toBeVisible();

  // Gone from the open list, listed under Accepted with who, why and until when.
  await admin.goto('/review?rule=machine_user.shared_address&project=f3q8lm6zr2wyc');
  await expect(admin.locator(`article[aria-labelledby="finding-${findingId}"]`)).toHaveCount(0);
  await admin.goto('/review?status=accepted&rule=machine_user.shared_address');
  const accepted = admin.locator(`article[aria-labelledby="finding-${findingId}"]`);
  await expect(accepted).toContainText('The CI split is planned for the next quarter.');
  await expect(accepted).toContainText(`Accepted until ${until}`);

  // On the audit log, with the finding as its target.
  await admin.goto('/audit?action=finding.accept_risk&outcome=succeeded');
  await expect(admin.getByRole('region', { name: 'Audit events table' }).getByRole('row').filter({ hasText: findingId }).first()).toBeVisible();
});

test('the Policy page: everyone reads it, an admin previews what a change would open before saving', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await reviewer.goto('/review/policy');
  await expect(reviewer.getByRole('heading', { level: 1, name: 'Policy' })).toBeVisible();
  await expect(reviewer.getByRole('term').filter({ hasText: 'Maximum token age (days)' })).toBeVisible();
  await expect(reviewer.getByRole('button', { name: 'Preview changes' })).toHaveCount(0);
  await expect(reviewer.getByRole('region', { name: 'Rules table' })).toContainText('token.past_rotate_by');

  const admin = await pageAs('admin');
  await admin.goto('/review/policy');
  await admin.getByLabel('Other accounts may be admin on production').selectOption('false');
  await admin.getByRole('button', { name: 'Preview changes' }).click();
  const preview = admin.getByRole('region', { name: 'Preview: what saving would change' });
  await expect(preview).toContainText('Other accounts may be admin on production: Yes → No');
  // Alice is a project admin on every demo project: each becomes a finding.
  const row = preview.getByRole('row').filter({ hasText: 'access.admin_on_production' });
  await expect(row.getByRole('cell').nth(1)).not.toHaveText('0');
  await expect(row.getByRole('cell').nth(2)).toHaveText('0');
  await expect(preview.getByRole('button', { name: 'Save the policy' })).toBeVisible();

  // A value out of bounds is explained, and no preview is offered.
  await admin.goto('/review/policy?rotationMaxAgeDays=0&unusedDays=30&neverUsedDays=14&pendingInvitationDays=7&acceptRiskMaxDays=90&allowHumanAdminOnProduction=true');
  await expect(admin.getByText('At least 1 day.')).toBeVisible();
  await expect(admin.getByRole('region', { name: 'Preview: what saving would change' })).toHaveCount(0);
});

test('an onboarder sees only the findings of assigned projects', async ({ pageAs }) => {
  const onboarder = await pageAs('onboarder');
  await onboarder.goto('/review');
  await expect(onboarder.getByText('You see the findings of the projects assigned to you.')).toBeVisible();
  const projectOptions = await onboarder.getByLabel('Project', { exact: true }).locator('option').allTextContents();
  for (const title of projectOptions.filter((text) => text !== 'Any project')) expect(['Storefront', 'Checkout API']).toContain(title);
  await onboarder.goto('/review?rule=token.compromised_not_deleted');
  await expect(cards(onboarder).filter({ hasText: 'Legacy CMS' })).toHaveCount(0);
});

// /api/docs "Try it" (issue 16: an interactive reference, CSP-clean and offline): a read operation
// sent from the reference page with the signed-in session shows the API's answer — what the
// caller's role may see (an onboarder: only assigned projects; a refusal as a problem) — with no
// Content-Security-Policy violation and no request leaving Keywarden's origin.
import { expectNoSeriousA11yViolations } from './support/axe';
import { expect, test, waitForHydration } from './support/test';

test('Try it sends a read with the session and shows the answer, CSP-clean and same-origin', async ({ pageAs, baseURL }) => {
  const page = await pageAs('onboarder');
  const violations: string[] = [];
  const foreign: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(baseURL!) && !request.url().startsWith('data:')) foreign.push(request.url());
  });
  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: 'API reference', level: 1 })).toBeVisible();
  await waitForHydration(page);

  // A list, with an enum parameter chosen.
  const projects = page.locator('article#listProjects');
  await projects.getByText('Try it').click();
  const projectsForm = projects.getByRole('form', { name: 'Try listProjects' });
  await projectsForm.getByLabel('limit (optional)').fill('2');
  await projectsForm.getByLabel('dir (optional)').selectOption('desc');
  await projectsForm.getByRole('button', { name: 'Send request' }).click();
  await expect(projectsForm.getByText(/GET \/api\/v1\/projects\?limit=2&dir=desc → 200/)).toBeVisible();
  const answer = projectsForm.getByLabel('Answer of listProjects');
  await expect(answer).toContainText('"next_cursor"');

  // A path parameter; a refusal is shown as the problem it is.
  const audit = page.locator('article#listAuditEvents');
  await audit.getByText('Try it').click();
  const auditForm = audit.getByRole('form', { name: 'Try listAuditEvents' });
  await auditForm.getByRole('button', { name: 'Send request' }).click();
  await expect(auditForm.getByText(/→ 403/)).toBeVisible();
  await expect(auditForm.getByLabel('Answer of listAuditEvents')).toContainText('"code": "forbidden"');

  const machineUser = page.locator('article#getMachineUser');
  await machineUser.getByText('Try it').click();
  const machineUserForm = machineUser.getByRole('form', { name: 'Try getMachineUser' });
  await machineUserForm.getByLabel('id', { exact: true }).fill('00000000-0000-4000-8000-000000000000');
  await machineUserForm.getByRole('button', { name: 'Send request' }).click();
  await expect(machineUserForm.getByText(/GET \/api\/v1\/machine-users\/00000000-0000-4000-8000-000000000000 → 404/)).toBeVisible();

  // Open forms and answers are accessible and stay inside the page at 390 px (the answer scrolls
  // inside its own box).
  await expectNoSeriousA11yViolations(page, '/api/docs with Try it answers');
  await page.setViewportSize({ width: 390, height: 844 });
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `the page is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);

  // Only reads can be tried.
  await expect(page.locator('article#createApiKey').getByText('Try it')).toHaveCount(0);
  expect(violations).toEqual([]);
  expect(foreign).toEqual([]);
});

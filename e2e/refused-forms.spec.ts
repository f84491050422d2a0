// A form the server refuses keeps what was typed (issue: React 19 resets a form after its action,
// and a post without JavaScript renders the page afresh). Each form here is refused on one field,
// with JavaScript and without, and must come back with that field's error beside it and every
// other field as the person left it. A value that looks like a token is the one thing not echoed
// back (SECURITY.md T1): that field comes back empty, with its error. Also: the evidence pack's
// range comes back to its form with a field error, never a page outside the app; the onboarding
// wizard refuses an address the server would refuse at its E-mail step. A signed-out or
// forbidden evidence pack post from a browser's form ends on a page of the app (sign-in, or the
// page's own 403), an API caller keeps its JSON answer.
import fs from 'node:fs';
import type { Browser, BrowserContext, Cookie, Page } from '@playwright/test';
import { PRESETS } from '@/lib/machine-users/roles';
import { TOKEN_LIKE_MESSAGE } from '@/lib/validations/text';
import { demoProject, emailField, nextStep, openWizard, stepHeading } from './support/machine-users';
import { paths } from './support/paths';
import { uniqueIncidentName } from './support/incidents';
import { expect, syntheticAddress, test, waitForHydration } from './support/test';

const STOREFRONT = demoProject('Storefront');
/** Mixed case and digits in one long run: the shape free text refuses as token-like. */
const TOKEN_LIKE = 'kw1Ab2Cd3Ef4Gh5Ij6Kl7Mn8Op9Qr0StUvWx';

type Role = 'admin' | 'reviewer' | 'onboarder';

/** A signed-in page of `role`, with JavaScript on (once `form` is hydrated) or off. */
async function openAs(browser: Browser, baseURL: string | undefined, role: Role, javaScript: boolean): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: javaScript, storageState: paths.storageState(role), extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  return { page: await context.newPage(), context };
}

async function ready(page: Page, javaScript: boolean, form: string): Promise<void> {
  if (javaScript) await waitForHydration(page, `form[aria-label="${form}"] button[type="submit"]`);
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'without JavaScript';

  test(`the incident plan form keeps what was typed when it is refused (${mode})`, async ({ browser, baseURL }) => {
    const { page, context } = await openAs(browser, baseURL, 'admin', javaScript);
    await page.goto('/incidents');
    await ready(page, javaScript, 'Plan an incident');
    const form = page.getByRole('form', { name: 'Plan an incident' });
    const name = uniqueIncidentName(`Refused ${javaScript ? 'JS' : 'no JS'}`);
    await form.getByLabel('Incident name').fill(name);
    await form.getByLabel('What happened (optional)').fill(`leaked ${TOKEN_LIKE}`);
    await form.getByRole('radio', { name: /^Rotate them/ }).check();
    await form.getByLabel('Project').selectOption({ index: 1 });
    const projectChoice = await form.getByLabel('Project').inputValue();
    await form.getByLabel('Environment type').selectOption('staging');
    await form.getByRole('button', { name: 'Plan the incident' }).click();

    const refused = page.getByRole('form', { name: 'Plan an incident' });
    // The refusal has arrived (before it, the fields would still hold what was typed anyway).
    await expect(refused.getByRole('alert')).toContainText('Please correct the highlighted fields.');
    // In sight: without JavaScript the answer is a new page, which used to open at its top, far above this.
    await expect(refused.getByRole('alert')).toBeInViewport();
    // Everything is as it was typed, except the token-like text: not sent back, its error beside it.
    await expect(refused.getByLabel('Incident name')).toHaveValue(name);
    await expect(refused.getByRole('radio', { name: /^Rotate them/ })).toBeChecked();
    await expect(refused.getByLabel('Project')).toHaveValue(projectChoice);
    expect(projectChoice).not.toBe('');
    await expect(refused.getByLabel('Environment type')).toHaveValue('staging');
    await expect(refused.getByLabel('What happened (optional)')).toHaveValue('');
    await expect(refused.getByLabel('What happened (optional)')).toHaveAccessibleDescription(new RegExp(TOKEN_LIKE_MESSAGE.slice(0, 30)));
    await expect(page.locator('body')).not.toContainText(TOKEN_LIKE);
    await context.close();
  });

  test(`the webhook endpoint form keeps its URL, events and format when it is refused (${mode})`, async ({ browser, baseURL }) => {
    const { page, context } = await openAs(browser, baseURL, 'admin', javaScript);
    await page.goto('/settings/webhooks');
    await ready(page, javaScript, 'Register a webhook endpoint');
    const form = page.getByRole('form', { name: 'Register a webhook endpoint' });
    const url = `ftp://hooks.example.com/keywarden-${javaScript ? 'js' : 'plain'}`;
    await form.getByLabel('Endpoint URL').fill(url);
    const firstEvent = form.getByRole('group', { name: 'Events it receives' }).getByRole('checkbox').first();
    await firstEvent.uncheck();
    await form.getByRole('radio', { name: /^Slack-compatible/ }).check();
    await form.getByRole('button', { name: 'Register endpoint' }).click();

    const refused = page.getByRole('form', { name: 'Register a webhook endpoint' });
    await expect(refused.getByLabel('Endpoint URL')).toHaveAccessibleDescription(/Enter an https:\/\/ address/);
    await expect(refused.getByLabel('Endpoint URL')).toHaveValue(url);
    await expect(refused.getByRole('group', { name: 'Events it receives' }).getByRole('checkbox').first()).not.toBeChecked();
    await expect(refused.getByRole('group', { name: 'Events it receives' }).getByRole('checkbox').nth(1)).toBeChecked();
    await expect(refused.getByRole('radio', { name: /^Slack-compatible/ })).toBeChecked();
    await expect(refused.getByRole('alert')).toBeInViewport();
    await context.close();
  });

  test(`the notification defaults keep the days typed when they are refused (${mode})`, async ({ browser, baseURL }) => {
    const { page, context } = await openAs(browser, baseURL, 'admin', javaScript);
    await page.goto('/settings/notifications');
    await ready(page, javaScript, 'Organisation notification defaults');
    const form = page.getByRole('form', { name: 'Organisation notification defaults' });
    await form.getByLabel('Reminder days before a rotate-by date').fill('30, 7, 999');
    await form.getByLabel('Hours before an open revocation is announced').fill('47');
    await form.getByRole('button', { name: 'Save the defaults' }).click();

    const refused = page.getByRole('form', { name: 'Organisation notification defaults' });
    await expect(refused.getByLabel('Reminder days before a rotate-by date')).toHaveAccessibleDescription(/At most 365 days\./);
    await expect(refused.getByLabel('Reminder days before a rotate-by date')).toHaveValue('30, 7, 999');
    await expect(refused.getByLabel('Hours before an open revocation is announced')).toHaveValue('47');
    // The refusal is in sight, not at the foot of a page that opened at its top.
    await expect(refused.getByRole('alert')).toBeInViewport();
    await context.close();
  });

  test(`an evidence pack whose last day comes first returns to its form with the error (${mode})`, async ({ browser, baseURL }) => {
    const { page, context } = await openAs(browser, baseURL, 'reviewer', javaScript);
    await page.goto('/review/campaigns');
    const form = page.getByRole('form', { name: 'Evidence pack' });
    // The days are UTC days (as on the Audit page): a reviewer elsewhere must not read them as local ones.
    await expect(form.getByLabel('First day (UTC)', { exact: true })).toBeVisible();
    await expect(form.getByLabel('Last day (UTC, included)', { exact: true })).toBeVisible();
    await form.getByLabel('First day').fill('2026-06-10');
    await form.getByLabel('Last day').fill('2026-06-01');
    await form.getByRole('button', { name: 'Download the evidence pack' }).click();

    await expect(page.getByRole('heading', { name: 'Access reviews', level: 1 })).toBeVisible();
    const refused = page.getByRole('form', { name: 'Evidence pack' });
    await expect(refused.getByLabel('Last day')).toHaveAccessibleDescription('The last day comes before the first day.');
    await expect(refused.getByLabel('First day')).toHaveValue('2026-06-10');
    await expect(refused.getByLabel('Last day')).toHaveValue('2026-06-01');
    await expect(refused).toContainText('No evidence pack was made');

    // Too long a range: the same, on the same field.
    await refused.getByLabel('First day').fill('2000-01-01');
    await refused.getByLabel('Last day').fill('2026-01-01');
    await refused.getByRole('button', { name: 'Download the evidence pack' }).click();
    await expect(page.getByRole('form', { name: 'Evidence pack' }).getByLabel('Last day')).toHaveAccessibleDescription(/Choose at most 3660 days\./);
    await expect(page.getByRole('form', { name: 'Evidence pack' }).getByLabel('First day')).toHaveValue('2000-01-01');
    await context.close();
  });
}

test('a day the date picker would not send (a post of its own) comes back to the form as a field error', async ({ newApiClient, pageAs, baseURL }) => {
  const api = await newApiClient({ as: 'reviewer' });
  const response = await api.post('/api/review/evidence', { form: { from: '2026-02-31', to: '2026-03-01' }, headers: { Origin: new URL(baseURL ?? '').origin }, maxRedirects: 0 });
  expect(response.status()).toBe(303);
  const location = response.headers()['location'] ?? '';
  expect(location).toMatch(/^\/review\/campaigns\?evidenceFrom=2026-02-31&evidenceTo=2026-03-01#evidence-pack$/);
  const page = await pageAs('reviewer');
  await page.goto(location);
  const form = page.getByRole('form', { name: 'Evidence pack' });
  await expect(form.getByLabel('First day')).toHaveAccessibleDescription('Enter the first day as a date (YYYY-MM-DD).');
  // An API client still gets JSON, on the field.
  const json = await api.post('/api/review/evidence', { data: { from: '2026-06-10', to: '2026-06-01' }, headers: { Origin: new URL(baseURL ?? '').origin } });
  expect(json.status()).toBe(400);
  expect((await json.json()) as unknown).toMatchObject({ code: 'invalid_input', fieldErrors: { to: ['The last day comes before the first day.'] } });
});

test('the onboarding wizard refuses at its E-mail step an address the server would refuse', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await openWizard(admin, STOREFRONT.id);
  await admin.getByRole('radio', { name: new RegExp(`^${PRESETS.ci_tests.label}`) }).check();
  await nextStep(admin, 'E-mail');
  // Two dots in a row: an address a looser shape check let through to the Review step.
  await emailField(admin).fill('bots..storefront@example.com');
  await admin.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(stepHeading(admin, 'E-mail')).toBeVisible();
  await expect(admin.getByRole('alert').filter({ hasText: 'Enter a valid e-mail address.' })).toBeVisible();
  await expect(emailField(admin)).toHaveValue('bots..storefront@example.com');
  await emailField(admin).fill('bots+storefront-refused-forms@example.com');
  await nextStep(admin, 'Roles');
});

/** The session cookies of a shared account (to swap a page's session under its open form). */
function sessionCookiesOf(role: Role): Cookie[] {
  return (JSON.parse(fs.readFileSync(paths.storageState(role), 'utf8')) as { cookies: Cookie[] }).cookies;
}

/** The main frame's navigations (method and path) from now on. */
function recordNavigations(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) seen.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  return seen;
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'without JavaScript';

  test(`an evidence pack posted once the session has ended goes to sign-in, back to its page after (${mode})`, async ({ browser, baseURL }) => {
    const { page, context } = await openAs(browser, baseURL, 'reviewer', javaScript);
    await page.goto('/review/campaigns');
    const form = page.getByRole('form', { name: 'Evidence pack' });
    await expect(form).toBeVisible();
    // Signed out elsewhere (or the session expired) while the page stayed open.
    await context.clearCookies();
    const navigations = recordNavigations(page);
    await form.getByRole('button', { name: 'Download the evidence pack' }).click();

    // Before: a plain-text "Sign in first." outside the app.
    await expect(page).toHaveURL(`${baseURL}/sign-in?callbackUrl=${encodeURIComponent('/review/campaigns')}`);
    await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
    expect(navigations).toEqual(['POST /api/review/evidence', 'GET /sign-in']);
    await context.close();
  });

  test(`an evidence pack posted by a role that may not export it ends on the app's 403 page (${mode})`, async ({ browser, baseURL }) => {
    const { page, context } = await openAs(browser, baseURL, 'reviewer', javaScript);
    await page.goto('/review/campaigns');
    const form = page.getByRole('form', { name: 'Evidence pack' });
    await expect(form).toBeVisible();
    // The page was opened by someone who may export; the post comes with an onboarder's session.
    await context.clearCookies();
    await context.addCookies(sessionCookiesOf('onboarder'));
    const navigations = recordNavigations(page);
    const answer = page.waitForResponse((response) => response.request().isNavigationRequest() && response.request().method() === 'GET');
    await form.getByRole('button', { name: 'Download the evidence pack' }).click();

    // Before: a plain-text "You do not have permission…" outside the app.
    expect((await answer).status()).toBe(403);
    await expect(page).toHaveURL(`${baseURL}/review/campaigns`);
    expect(navigations).toEqual(['POST /api/review/evidence', 'GET /review/campaigns']);
    // The page's own 403 view, rendered on the server (e2e/refusal-pages.spec.ts).
    await expect(page.getByRole('heading', { name: 'Access reviews', level: 1 })).toBeVisible();
    await expect(page.getByRole('main').getByRole('status')).toContainText('You do not have access to this page');
    await expect(page.getByRole('form', { name: 'Evidence pack' })).toHaveCount(0);
    await context.close();
  });
}

test('a campaign evidence pack posted signed out returns to the campaign page after sign-in; API callers keep JSON 401 and 403', async ({ newApiClient, baseURL }) => {
  const origin = new URL(baseURL ?? '').origin;
  const campaignPage = '/review/campaigns/00000000-0000-4000-8000-000000000000';
  // A form post (what a browser sends): to sign-in, with the page the form is on (its Referer).
  const signedOut = await newApiClient();
  const form = await signedOut.post('/api/review/evidence', {
    form: { campaignId: '00000000-0000-4000-8000-000000000000' },
    headers: { Origin: origin, Referer: `${origin}${campaignPage}`, Accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(form.status()).toBe(303);
  expect(form.headers()['location']).toBe(`/sign-in?callbackUrl=${encodeURIComponent(campaignPage)}`);
  // A Referer of another site (or none) is no place to return to: the range form's page instead.
  const foreign = await signedOut.post('/api/review/evidence', { form: { from: '2026-01-01', to: '2026-01-02' }, headers: { Origin: origin, Referer: 'https://evil.example/review/campaigns/x', Accept: 'text/html' }, maxRedirects: 0 });
  expect(foreign.status()).toBe(303);
  expect(foreign.headers()['location']).toBe(`/sign-in?callbackUrl=${encodeURIComponent('/review/campaigns')}`);

  // A JSON caller: JSON, as before.
  const json = await signedOut.post('/api/review/evidence', { data: { from: '2026-01-01', to: '2026-01-02' }, headers: { Origin: origin } });
  expect(json.status()).toBe(401);
  expect((await json.json()) as unknown).toMatchObject({ code: 'unauthenticated' });
  const onboarder = await newApiClient({ as: 'onboarder' });
  const forbidden = await onboarder.post('/api/review/evidence', { data: { from: '2026-01-01', to: '2026-01-02' }, headers: { Origin: origin } });
  expect(forbidden.status()).toBe(403);
  expect((await forbidden.json()) as unknown).toMatchObject({ code: 'forbidden' });
  // The same as a form post: back to the page, where the role's 403 is explained.
  const forbiddenForm = await onboarder.post('/api/review/evidence', { form: { from: '2026-01-01', to: '2026-01-02' }, headers: { Origin: origin, Referer: `${origin}/review/campaigns`, Accept: 'text/html' }, maxRedirects: 0 });
  expect(forbiddenForm.status()).toBe(303);
  expect(forbiddenForm.headers()['location']).toBe('/review/campaigns');
});

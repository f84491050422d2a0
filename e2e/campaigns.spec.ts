// Access reviews end to end (issue 15 §4, §5): an admin starts a campaign over one project, a
// reviewer signs off every item they may (one of them with JavaScript off, one refused because they
// back it up), an admin decides that one, marks the change task done and closes the campaign; the
// reviewer downloads the evidence pack, and the pack verifies — against the key Settings shows.
//
// Specs share one server and run two at a time: the campaign covers Search service, where other
// specs seed machine users too, so nothing here counts them — every item in the copy is decided,
// however many there are, and a machine user added after the start is simply not in it.
import fs from 'node:fs';
import { verifyEvidencePack } from '@/lib/evidence/verify';
import { strFromU8, unzipSync } from 'fflate';
import { CAMPAIGNS_PATH, createCampaignInUi, decisionForm, fillCreateForm, fillDecision, itemCard, openCampaign, uniqueCampaignName } from './support/campaigns';
import { signInOrThrow } from './support/auth';
import { demoProject, seedMachineUser } from './support/machine-users';
import { paths } from './support/paths';
import { seedUser } from './support/seed';
import { expect, syntheticAddress, test, uniqueEmail, waitForHydration } from './support/test';

const PROJECT = demoProject('Search service');

test('a campaign run to completion, closed, and its evidence pack verified', async ({ pageAs, newApiClient, newClient, browser, baseURL }) => {
  test.setTimeout(240_000);
  const admin = await pageAs('admin');
  const adminApi = await newApiClient({ as: 'admin' });

  // A reviewer of its own (signed in in a browser), an onboarder who owns the seeded machine users,
  // and one machine user the reviewer backs up: they may not sign that one off.
  const reviewerAccount = await seedUser(adminApi, await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '', label: 'campaign-reviewer' });
  const owner = await seedUser(adminApi, await newApiClient(), { role: 'onboarder', baseUrl: baseURL ?? '', label: 'campaign-owner' });
  const backedUp = await seedMachineUser(admin, adminApi, { project: PROJECT, purpose: 'backups', email: uniqueEmail('bots+campaign-backed-up'), ownerId: owner.userId, backupOwnerId: reviewerAccount.userId });
  const toChange = await seedMachineUser(admin, adminApi, { project: PROJECT, purpose: 'ci_tests', email: uniqueEmail('bots+campaign-change'), ownerId: owner.userId });
  // A long address: its card must still fit a phone's width.
  const longAddress = `bots+campaign-${'x'.repeat(40)}-${uniqueEmail('long').split('@')[0]}@${'very-long-subdomain-'.repeat(3)}e2e.keywarden.test`;
  await seedMachineUser(admin, adminApi, { project: PROJECT, purpose: 'source_operations', email: longAddress, ownerId: owner.userId });
  const reviewerContext = await newClient();
  await signInOrThrow(reviewerContext.request, baseURL ?? '', reviewerAccount);
  const reviewer = await reviewerContext.newPage();

  // The admin starts it from the UI.
  const name = uniqueCampaignName('E2E 2027 Q1');
  const campaignId = await createCampaignInUi(admin, { name, project: PROJECT });
  await expect(admin.getByRole('main')).toContainText(`${PROJECT.title} · due`);
  await expect(itemCard(admin, toChange.email)).toBeVisible();
  // The list shows it with its progress and due date.
  await admin.goto('/review/campaigns?state=open');
  const row = admin.getByRole('region', { name: 'Campaigns table' }).getByRole('row').filter({ hasText: name });
  await expect(row.getByRole('progressbar', { name: `Progress of ${name}` })).toHaveAttribute('aria-valuenow', '0');
  await expect(row).not.toContainText('overdue');

  // The reviewer: the item they back up has no form, and says why.
  await openCampaign(reviewer, campaignId, 'undecided');
  await expect(itemCard(reviewer, backedUp.email)).toContainText('You own or back up this machine user');
  await expect(decisionForm(reviewer, backedUp.email)).toHaveCount(0);

  // One decision with JavaScript off: the form posts natively and the page comes back with it saved.
  const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: await reviewerContext.storageState(), extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  const plain = await noScript.newPage();
  await openCampaign(plain, campaignId, 'all');
  await (await fillDecision(plain, toChange.email, 'Change', '')).click();
  await expect(decisionForm(plain, toChange.email)).toContainText('Say what should change: an admin acts on it.');
  // The page comes back with the decision still chosen: only the note is missing.
  await expect(decisionForm(plain, toChange.email).getByRole('radio', { name: /^Change / })).toBeChecked();
  await (await fillDecision(plain, toChange.email, 'Change', 'CI needs viewer only on development.')).click();
  await expect(itemCard(plain, toChange.email)).toContainText(`change by ${reviewerAccount.email}`);
  await expect(plain.getByRole('status').filter({ hasText: `Decision saved for ${toChange.email}: change — an admin has a task for it.` })).toBeInViewport();
  // A search is kept when switching between the views of the items.
  const search = plain.getByRole('search', { name: 'Search items' });
  await search.getByRole('searchbox', { name: 'Machine user or project' }).fill(toChange.email);
  await search.getByRole('button', { name: 'Search' }).click();
  await plain.getByRole('navigation', { name: 'Which items' }).getByRole('link', { name: /^Decided by me/ }).click();
  await expect(search.getByRole('searchbox', { name: 'Machine user or project' })).toHaveValue(toChange.email);
  await expect(itemCard(plain, toChange.email)).toBeVisible();
  await noScript.close();

  // Then every other item they may sign off, with JavaScript, from the undecided list.
  for (let round = 0; ; round += 1) {
    expect(round, 'more decisions than items').toBeLessThan(200);
    await openCampaign(reviewer, campaignId, 'undecided');
    const forms = reviewer.getByRole('form', { name: /^Decision for / });
    if ((await forms.count()) === 0) break;
    const label = (await forms.first().getAttribute('aria-label')) ?? '';
    const email = label.replace(/^Decision for /, '');
    await waitForHydration(reviewer, `form[aria-label="${label}"]`);
    await (await fillDecision(reviewer, email, 'Keep')).click();
    // Decided: it leaves the undecided list (the page is revalidated with the answer).
    await expect(itemCard(reviewer, email)).toHaveCount(0);
    // The card is gone, the confirmation is not: the page says what was saved.
    await expect(reviewer.getByRole('status').filter({ hasText: `Decision saved for ${email}: keep.` })).toBeVisible();
  }
  await expect(itemCard(reviewer, backedUp.email)).toBeVisible();

  // The admin decides the one the reviewer backs up; nothing is left undecided.
  await openCampaign(admin, campaignId, 'undecided');
  await waitForHydration(admin, `form[aria-label="Decision for ${backedUp.email}"]`);
  await (await fillDecision(admin, backedUp.email, 'Remove', 'Backups moved to the shared machine user.')).click();
  await expect(admin.getByRole('heading', { name: 'Every item is decided' })).toBeVisible();
  const progress = admin.getByRole('progressbar', { name: `Progress of ${name}` });
  const total = await progress.getAttribute('aria-valuemax');
  await expect(progress).toHaveAttribute('aria-valuenow', total ?? '');
  // Over time: the chart (an image named by its summary) and the same numbers as a table.
  await expect(admin.getByRole('img', { name: /^Items decided so far, day by day/ })).toBeVisible();
  await expect(admin.getByRole('img', { name: /^Items decided so far/ }).locator('svg').first()).toBeVisible();
  const today = new Date().toISOString().slice(0, 10);
  await expect(admin.getByRole('region', { name: 'Progress by day' }).getByRole('row').filter({ hasText: today })).toContainText(`${total} of ${total}`);
  const perReviewer = admin.getByRole('region', { name: 'Progress per reviewer' });
  await expect(perReviewer.getByRole('row').filter({ hasText: reviewerAccount.email })).toBeVisible();
  await expect(perReviewer.getByRole('row').filter({ hasText: reviewerAccount.email }).getByRole('cell').nth(1)).toHaveText(String(Number(total) - 1));

  // Change and remove became tasks; the admin marks the change done (also on the machine user's page).
  const tasks = admin.getByRole('region', { name: 'Tasks table' });
  await expect(tasks.getByRole('row').filter({ hasText: toChange.email })).toContainText('CI needs viewer only on development.');
  await expect(tasks.getByRole('row').filter({ hasText: backedUp.email })).toContainText('remove');
  await waitForHydration(admin, 'main form button[aria-label^="Mark the task"]');
  await tasks.getByRole('button', { name: `Mark the task for ${toChange.email} done` }).click();
  await expect(tasks.getByRole('row').filter({ hasText: toChange.email })).toContainText('Done');
  await admin.goto(`/machine-users/${backedUp.id}`);
  await expect(admin.getByRole('region', { name: 'Review tasks table' })).toContainText(name);

  // Nothing scrolls sideways on a phone: the list, and the campaign with its cards, forms and tables.
  await admin.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/review/campaigns', `/review/campaigns/${campaignId}?show=all`]) {
    await admin.goto(path);
    await expect(admin.getByRole('heading', { level: 1 })).toBeVisible();
    const { scrollWidth, innerWidth } = await admin.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth, `${path} at 390 px`).toBeLessThanOrEqual(innerWidth);
  }
  await admin.setViewportSize({ width: 1280, height: 720 });

  // The admin closes it, after the confirmation.
  await openCampaign(admin, campaignId);
  const close = admin.getByRole('form', { name: `Close ${name}` });
  await waitForHydration(admin, `form[aria-label="Close ${name}"]`);
  await close.getByRole('checkbox').check();
  await close.getByRole('button', { name: 'Close the campaign' }).click();
  await expect(admin.getByText('This campaign is closed')).toBeVisible();

  // Frozen for the reviewer: no form left; the pack downloads and verifies against Settings' key.
  await openCampaign(reviewer, campaignId, 'all');
  await expect(reviewer.getByRole('form', { name: /^Decision for / })).toHaveCount(0);
  const [download] = await Promise.all([reviewer.waitForEvent('download'), reviewer.getByRole('button', { name: 'Download the evidence pack' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^keywarden-evidence-e2e-2027-q1-.*\.zip$/);
  const zip = new Uint8Array(fs.readFileSync((await download.path())!));

  await reviewer.goto('/settings');
  const publicKeyPem = (await reviewer.getByLabel('Evidence public key').textContent()) ?? '';
  expect(publicKeyPem).toContain('BEGIN PUBLIC KEY');
  const verification = verifyEvidencePack(zip, { expectedPublicKeyPem: publicKeyPem });
  expect(verification.problems).toEqual([]);
  expect(verification.ok).toBe(true);
  await expect(reviewer.getByRole('main')).toContainText((verification.publicKeySha256 ?? '').slice(0, 4));

  // Its sign-offs are this campaign's, every item decided.
  const signOffs = JSON.parse(strFromU8(unzipSync(zip)['sign-offs.json']!)) as { campaignId: string; email: string; decision: { kind: string; reviewer: string } | null }[];
  expect(signOffs.length).toBe(Number(total));
  expect(signOffs.every((entry) => entry.campaignId === campaignId && entry.decision !== null)).toBe(true);
  expect(signOffs.find((entry) => entry.email === toChange.email)?.decision).toMatchObject({ kind: 'change', reviewer: reviewerAccount.email });
  expect(signOffs.find((entry) => entry.email === backedUp.email)?.decision?.kind).toBe('remove');
});

test('a decision by keyboard leaves focus on the next item’s decision, not at the top of the page', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const adminApi = await newApiClient({ as: 'admin' });
  // Two machine users of its own on a project: the campaign covers that project only.
  const project = demoProject('Storefront');
  for (const label of ['focus-a', 'focus-b']) await seedMachineUser(admin, adminApi, { project, purpose: label === 'focus-a' ? 'backups' : 'ci_tests', email: uniqueEmail(`bots+${label}`) });
  const campaignId = await createCampaignInUi(admin, { name: uniqueCampaignName('E2E focus'), project });

  const reviewer = await pageAs('reviewer');
  await openCampaign(reviewer, campaignId, 'undecided');
  await waitForHydration(reviewer, 'form[aria-label^="Decision for"]');
  const cards = reviewer.getByRole('article');
  const [first, second] = await Promise.all([cards.nth(0), cards.nth(1)].map((card) => card.getAttribute('aria-labelledby').then((id) => reviewer.locator(`#${id}`).innerText())));
  const keep = decisionForm(reviewer, first!).getByRole('radio', { name: /^Keep / });
  await keep.focus();
  await reviewer.keyboard.press('Space');
  await reviewer.keyboard.press('Tab');
  await reviewer.keyboard.press('Tab');
  await expect(decisionForm(reviewer, first!).getByRole('button', { name: 'Save decision' })).toBeFocused();
  await reviewer.keyboard.press('Enter');
  await expect(reviewer.getByText(`Decision saved for ${first}: keep.`)).toBeVisible();
  await expect(decisionForm(reviewer, first!)).toHaveCount(0);
  await expect(decisionForm(reviewer, second!).getByRole('radio', { name: /^Keep / })).toBeFocused();
});

test('without JavaScript, starting a review ends on the new campaign (Post/Redirect/Get)', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: paths.storageState('admin'), extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  try {
    const page = await context.newPage();
    const documentRequests: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) documentRequests.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    await page.goto(CAMPAIGNS_PATH);
    const form = page.getByRole('form', { name: 'Start an access review' });
    // A refused start stays on the form, with what was typed and why, and the page comes back
    // scrolled to the form (it is below the list: at the page's top nothing seemed to happen).
    await form.getByRole('radio', { name: 'Only the projects ticked below' }).check();
    const name = uniqueCampaignName('No-script review');
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Start the review' }).click();
    await expect(form.getByLabel('Name')).toHaveValue(name);
    await expect(form.locator('#campaign-scope-error')).toBeInViewport();
    // A valid start opens the campaign it made: its page is a GET's answer, so a reload cannot
    // start a second review (before, the POST's answer was the form again, confirming at its foot).
    await fillCreateForm(page, { name, project: PROJECT });
    await form.getByRole('button', { name: 'Start the review' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    // (The browser keeps the form's fragment across the redirect; no element of this page has its id.)
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^${CAMPAIGNS_PATH}/[0-9a-f-]{36}$`));
    expect(documentRequests.slice(-2)).toEqual([`POST ${CAMPAIGNS_PATH}`, `GET ${new URL(page.url()).pathname}`]);
    expect((await page.reload())?.request().method()).toBe('GET');
  } finally {
    await context.close();
  }
});

// REST API v1 with a dashboard API key (issue 16): a key created on Settings → API keys is shown
// once (a reload shows only its prefix), lists projects through the API with Playwright's request
// context, and once revoked (after a confirmation) is refused with a problem. The reference page
// and the OpenAPI document are there too.
import { expect, test } from './support/test';
import { createKeyInUi, keyRow, openApiKeys, uniqueKeyName } from './support/api-keys';

test('an API key works until it is revoked, and is shown only once', async ({ pageAs, newApiClient }) => {
  const page = await pageAs('reviewer');
  await page.goto('/settings');
  await page.getByRole('link', { name: /API keys/ }).click();
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();

  const name = uniqueKeyName('E2E pipeline');
  const key = await createKeyInUi(page, name);
  await expect(keyRow(page, name)).toContainText(key.slice(0, 9));

  // Shown once: after a reload only the prefix is left.
  await page.reload();
  await expect(keyRow(page, name)).toContainText('active');
  expect(await page.content()).not.toContain(key);

  // The key, without any session, reads the projects.
  const api = await newApiClient();
  const listed = await api.get('/api/v1/projects', { headers: { Authorization: `Bearer ${key}` } });
  expect(listed.status()).toBe(200);
  const body = (await listed.json()) as { data: { id: string }[]; total: number; next_cursor: string | null };
  expect(body.data.length).toBeGreaterThan(0);
  expect(body.total).toBeGreaterThanOrEqual(body.data.length);

  // Its last use shows on the page.
  await page.reload();
  await expect(keyRow(page, name)).not.toContainText('never');

  // Revoked after a confirmation; the same call is refused at once.
  await openApiKeys(page);
  await keyRow(page, name).getByRole('button', { name: `Revoke ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Revoke the key “${name}”?` });
  await dialog.getByRole('button', { name: 'Revoke key' }).click();
  await expect(dialog).toBeHidden();
  await expect(keyRow(page, name)).toContainText('revoked');

  const refused = await api.get('/api/v1/projects', { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
  const problem = (await refused.json()) as { code: string; detail: string };
  expect(problem.code).toBe('unauthenticated');
  expect(JSON.stringify(problem)).not.toContain(key);
});

test('the API reference and the OpenAPI document', async ({ pageAs, newApiClient }) => {
  const page = await pageAs('onboarder');
  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: 'API reference', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: /GET \/api\/v1\/projects — List projects/ })).toBeVisible();

  // Behind sign-in.
  const stranger = await newApiClient();
  const signedOut = await stranger.get('/api/docs', { maxRedirects: 0 });
  expect([302, 303, 307]).toContain(signedOut.status());

  const document = await stranger.get('/api/v1/openapi.json');
  expect(document.status()).toBe(200);
  expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');

  // An unknown API path is a problem, not the dashboard's page.
  const missing = await stranger.get('/api/v1/nothing-here');
  expect(missing.status()).toBe(404);
  expect(missing.headers()['content-type']).toBe('application/problem+json');
});

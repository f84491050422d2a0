// Sandbox mode end to end: the start command runs the Platform.sh simulator, the app's client talks
// to it with the dashboard's credential, and that credential never reaches the browser.
import { DEMO_DASHBOARD_API_TOKEN } from '@/lib/platformsh/simulator';
import { encodingsOf } from '@/lib/security/redact';
import { sandboxDashboardToken } from './support/sandbox';
import { expect, test } from './support/test';

test('Settings shows the sandbox connection, signed in as the dashboard machine user', async ({ newApiClient, server }) => {
  const reviewer = await newApiClient({ as: 'reviewer' });
  const response = await reviewer.get('/settings');
  expect(response.status()).toBe(200);
  const html = await response.text();
  expect(html).toMatch(/http:\/\/127\.0\.0\.1:\d+ — signed in as keywarden-dashboard@machine-users\.example\.com \(circuit closed\)/);
  // The dashboard's own credential (SECURITY.md T6) is in no form in the page or its RSC payload.
  for (const token of [sandboxDashboardToken(server), DEMO_DASHBOARD_API_TOKEN]) {
    for (const form of encodingsOf(token)) expect(html).not.toContain(form);
  }
});

// The requests of the API canary scan (SECURITY.md T1 over REST API v1): a token value sent in
// JSON bodies, query strings, paths and the Authorization header — to the token endpoints
// (record and push, rotate, lookup, compromised, resume) and to others — by callers who may and
// may not, with bodies that pass and fail validation. Shared by lib/api/canary.int.test.ts (route
// handlers on a test database) and e2e/canary.spec.ts (a real server): both then search every
// sink for the canary. Valid token bodies go only where nothing reaches Platform.sh in a test
// database (the lookup; records of ids that name nothing); the e2e scan, which has a Platform.sh
// simulator, adds the full record-and-push itself.

export type CanaryCaller = 'admin' | 'reviewer' | 'onboarder' | 'session' | 'session-no-origin' | 'session-foreign-origin' | 'none' | 'bearer-canary' | 'bearer-kw-canary';

export interface CanaryRequest {
  label: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path and query, URL-encoded. */
  path: string;
  caller: CanaryCaller;
  /** The body as sent (JSON unless contentType says otherwise). */
  body?: string;
  contentType?: string;
}

export interface CanaryIds {
  /** A machine user of a project the onboarder is assigned to, and one of another project. */
  machineUser: string;
  otherMachineUser: string;
  /** An active token record of each. */
  token: string;
  otherToken: string;
  /** Environment ids of the first machine user's project. */
  environments: string[];
}

const NOWHERE = '00000000-0000-4000-8000-000000000000';

export function apiCanaryRequests(canary: string, ids: CanaryIds): CanaryRequest[] {
  const json = (value: unknown) => JSON.stringify(value);
  const recordBody = { token: canary, name: 'cron canary', environments: ids.environments, visible_build: false };
  const requests: CanaryRequest[] = [];
  const add = (label: string, method: CanaryRequest['method'], path: string, callers: CanaryCaller[], body?: string, contentType?: string) => {
    for (const caller of callers) requests.push({ label: `${label} (${caller})`, method, path, caller, body, contentType });
  };
  const refusedCallers: CanaryCaller[] = ['reviewer', 'none', 'bearer-canary', 'bearer-kw-canary', 'session-no-origin', 'session-foreign-origin'];

  // Record and push: refused callers, another project's machine user (an onboarder), bad bodies.
  const tokensOf = (id: string) => `/api/v1/machine-users/${id}/tokens`;
  add('record: valid body', 'POST', tokensOf(ids.machineUser), refusedCallers, json(recordBody));
  add('record: another project', 'POST', tokensOf(ids.otherMachineUser), ['onboarder'], json(recordBody));
  add('record: unknown machine user', 'POST', tokensOf(NOWHERE), ['admin', 'session'], json(recordBody));
  add('record: unknown field', 'POST', tokensOf(ids.machineUser), ['admin'], json({ ...recordBody, [canary]: canary, extra: canary }));
  add('record: wrong types', 'POST', tokensOf(ids.machineUser), ['admin'], json({ ...recordBody, name: 42, environments: canary, rotate_by: canary }));
  add('record: token of the wrong type', 'POST', tokensOf(ids.machineUser), ['admin'], json({ ...recordBody, token: [canary, { value: canary }] }));
  add('record: token too long', 'POST', tokensOf(ids.machineUser), ['admin'], json({ ...recordBody, token: canary.repeat(40) }));
  add('record: not JSON', 'POST', tokensOf(ids.machineUser), ['admin'], `{"token": "${canary}", "name": `);
  add('record: form-encoded', 'POST', tokensOf(ids.machineUser), ['admin'], `token=${encodeURIComponent(canary)}&name=x`, 'application/x-www-form-urlencoded');
  add('record: too large', 'POST', tokensOf(ids.machineUser), ['admin'], json({ ...recordBody, name: `${canary}${'x'.repeat(70 * 1024)}` }));
  add('record: canary in the path', 'POST', tokensOf(encodeURIComponent(canary)), ['admin'], json(recordBody));

  // Rotate, compromised, resume.
  add('rotate: valid body', 'POST', `/api/v1/tokens/${ids.token}/rotate`, refusedCallers, json({ token: canary }));
  add('rotate: another project', 'POST', `/api/v1/tokens/${ids.otherToken}/rotate`, ['onboarder'], json({ token: canary }));
  add('rotate: unknown token', 'POST', `/api/v1/tokens/${NOWHERE}/rotate`, ['admin'], json({ token: canary }));
  add('rotate: unknown field', 'POST', `/api/v1/tokens/${ids.token}/rotate`, ['admin'], json({ token: canary, new_token: canary }));
  add('rotate: wrong type', 'POST', `/api/v1/tokens/${ids.token}/rotate`, ['admin'], json({ token: { value: canary } }));
  add('compromised: refused', 'POST', `/api/v1/tokens/${ids.token}/compromised`, ['reviewer', 'none'], json({ dry_run: false, token: canary }));
  add('compromised: wrong type', 'POST', `/api/v1/tokens/${ids.token}/compromised`, ['admin'], json({ dry_run: canary, token: canary }));
  add('compromised: unknown token', 'POST', `/api/v1/tokens/${NOWHERE}/compromised`, ['admin'], json({ dry_run: true, token: canary }));
  add('resume: unknown push', 'POST', `/api/v1/pushes/${NOWHERE}/resume`, ['admin', 'reviewer'], json({ token: canary }));

  // The leaked-token lookup: a real lookup (no match), refused callers, bad bodies.
  add('lookup', 'POST', '/api/v1/tokens/lookup', ['admin', 'reviewer', 'onboarder', 'session'], json({ candidate: canary }));
  add('lookup (as the dashboard names the field)', 'POST', '/api/v1/tokens/lookup', ['admin'], json({ token: canary }));
  add('lookup: refused', 'POST', '/api/v1/tokens/lookup', ['none', 'bearer-canary', 'session-no-origin'], json({ candidate: canary }));
  add('lookup: unknown field', 'POST', '/api/v1/tokens/lookup', ['admin'], json({ candidate: canary, token: canary }));
  add('lookup: wrong type', 'POST', '/api/v1/tokens/lookup', ['admin'], json({ candidate: { canary } }));
  add('lookup: as text', 'POST', '/api/v1/tokens/lookup', ['admin'], canary, 'text/plain');

  // Endpoints that take no token: a token pasted into them anyway.
  add('create API key: token field', 'POST', '/api/v1/api-keys', ['session', 'admin'], json({ name: 'canary key', expires_in_days: 5, token: canary }));
  add('create API key: token as expiry', 'POST', '/api/v1/api-keys', ['session'], json({ name: 'canary key', expires_in_days: canary }));
  add('invite: token fields', 'POST', '/api/v1/machine-users', ['admin', 'reviewer'], json({ project_id: canary, email: canary, purpose: canary, token: canary }));
  add('change roles: token field', 'PATCH', `/api/v1/machine-users/${ids.machineUser}`, ['admin', 'reviewer'], json({ project_role: canary, token: canary }));
  add('sync: token field', 'POST', '/api/v1/projects/sync', ['reviewer'], json({ token: canary }));
  // A bulk rotation's bootstraps: refused callers, an unknown incident, bad shapes.
  const bootstraps = { [ids.machineUser]: canary };
  add('incident execute: bootstraps', 'POST', `/api/v1/incidents/${NOWHERE}/execute`, ['admin', 'reviewer', 'onboarder', 'none'], json({ confirm_name: 'canary', bootstraps }));
  add('incident resume: bootstraps', 'POST', `/api/v1/incidents/${NOWHERE}/resume`, ['admin', 'reviewer'], json({ bootstraps }));
  add('incident execute: bootstrap keyed by the value', 'POST', `/api/v1/incidents/${NOWHERE}/execute`, ['admin'], json({ confirm_name: canary, bootstraps: { [canary]: canary } }));
  add('incident execute: bootstrap of the wrong type', 'POST', `/api/v1/incidents/${NOWHERE}/execute`, ['admin'], json({ confirm_name: 'canary', bootstraps: { [ids.machineUser]: [canary] } }));
  add('search for a token', 'GET', `/api/v1/tokens?q=${encodeURIComponent(canary)}`, ['admin', 'onboarder']);
  add('token as a query parameter', 'GET', `/api/v1/projects?token=${encodeURIComponent(canary)}`, ['admin', 'none']);
  add('token as an audit filter', 'GET', `/api/v1/audit?actor=${encodeURIComponent(canary)}&target=${encodeURIComponent(canary)}`, ['admin']);
  add('token as an id', 'GET', `/api/v1/tokens/${encodeURIComponent(canary)}`, ['admin']);
  add('token as a path', 'GET', `/api/v1/${encodeURIComponent(canary)}`, ['admin', 'none']);
  add('token as a path', 'DELETE', `/api/v1/api-keys/${encodeURIComponent(canary)}`, ['admin']);
  return requests;
}

// Each injected fault, seen from a client over real HTTP. Responses that do arrive are still
// checked against the OpenAPI excerpt (error bodies against its Error schema).
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultsDisabledError } from './faults';
import { DEMO_DASHBOARD_API_TOKEN } from './seed';
import { startSimulator, type RunningSimulator } from './server';
import { simulatorClient } from './test-client';

const STOREFRONT = 'k3v7rq2mhx4ta';
const VARIABLES = `/projects/${STOREFRONT}/environments/staging/variables`;

let simulator: RunningSimulator;
let client: ReturnType<typeof simulatorClient>;
let token: string;

beforeEach(async () => {
  simulator = await startSimulator({ faults: true });
  client = simulatorClient(simulator);
  token = await client.accessTokenFor(DEMO_DASHBOARD_API_TOKEN);
});

afterEach(async () => {
  await simulator.stop();
});

/** A node:http request, so that a reset surfaces as the socket error code itself. */
function rawRequest(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(new URL(path, simulator.url), { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('fault injection', () => {
  it('is refused unless the simulator was started with faults enabled', async () => {
    const plain = await startSimulator();
    try {
      expect(() => plain.faults.add({ path: '/users/me', kind: 'hang' })).toThrow(FaultsDisabledError);
      expect(() => plain.faults.setRateLimit({ requestsPerSecond: 1 })).toThrow(FaultsDisabledError);
    } finally {
      await plain.stop();
    }
  });

  it('adds latency to the matching route only', async () => {
    simulator.faults.add({ method: 'GET', path: '/projects/{projectId}', kind: 'latency', ms: 250 });
    let started = performance.now();
    expect((await client.call('GET', `/projects/${STOREFRONT}`, { token })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(230);
    started = performance.now();
    await client.call('GET', '/users/me', { token });
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('answers 429 with Retry-After in seconds, as an HTTP date, or absurdly large', async () => {
    const date = new Date(Date.now() + 120_000);
    for (const [retryAfter, expected] of [
      [7, '7'],
      [date, date.toUTCString()],
      [999_999_999, '999999999'],
    ] as const) {
      simulator.faults.add({ path: '/users/me', kind: 'too-many-requests', retryAfter, count: 1 });
      const response = await client.call('GET', '/users/me', { token });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe(expected);
    }
    expect((await client.call('GET', '/users/me', { token })).status).toBe(200);
  });

  it('answers any injected status, counts firings and retires the rule after `count`', async () => {
    for (const status of [500, 502, 503, 504, 501, 400, 409]) {
      const rule = simulator.faults.add({ method: 'GET', path: `/projects/*/environments`, kind: 'status', status, count: 2 });
      expect((await client.call('GET', `/projects/${STOREFRONT}/environments`, { token })).status).toBe(status);
      expect((await client.call('GET', `/projects/${STOREFRONT}/environments`, { token })).status).toBe(status);
      expect(rule.fired).toBe(2);
      expect((await client.call('GET', `/projects/${STOREFRONT}/environments`, { token })).status).toBe(200);
    }
    // The method filters too: a POST rule leaves GETs alone.
    simulator.faults.add({ method: 'POST', path: VARIABLES, kind: 'status', status: 503 });
    expect((await client.call('GET', VARIABLES, { token })).status).toBe(200);
    expect((await client.call('POST', VARIABLES, { token, body: { name: 'env:A', value: '1' } })).status).toBe(503);
    simulator.faults.clear();
    expect((await client.call('POST', VARIABLES, { token, body: { name: 'env:A', value: '1' } })).status).toBe(201);
  });

  it('hangs until the client gives up through its AbortSignal', async () => {
    simulator.faults.add({ path: '/users/me', kind: 'hang' });
    const started = performance.now();
    await expect(client.call('GET', '/users/me', { token, signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('sends a slow body that still arrives whole', async () => {
    simulator.faults.add({ path: '/users/me', kind: 'slow-body', chunkDelayMs: 20, chunkBytes: 64 });
    const started = performance.now();
    const response = await client.call('GET', '/users/me', { token });
    const chunks = Math.ceil(JSON.stringify(response.body).length / 64);
    expect(response.body).toMatchObject({ username: 'keywarden-dashboard' });
    expect(performance.now() - started).toBeGreaterThanOrEqual((chunks - 1) * 20 * 0.9);
  });

  it('resets the connection before replying, without applying the change', async () => {
    simulator.faults.add({ method: 'POST', path: VARIABLES, kind: 'reset', count: 1 });
    await expect(rawRequest('POST', VARIABLES, JSON.stringify({ name: 'env:RESET', value: '1' }))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await client.call('GET', `${VARIABLES}/env%3ARESET`, { token })).status).toBe(404);
  });

  it('applies then drops: the client sees a failure, the change is there afterwards', async () => {
    simulator.faults.add({ method: 'POST', path: VARIABLES, kind: 'apply-then-drop', count: 1 });
    await expect(rawRequest('POST', VARIABLES, JSON.stringify({ name: 'env:DROPPED', value: 'applied' }))).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
    const after = await client.call('GET', `${VARIABLES}/env%3ADROPPED`, { token });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ value: 'applied' });
  });

  it('answers an error whose body echoes the request body', async () => {
    simulator.faults.add({ method: 'POST', path: VARIABLES, kind: 'echo-body', status: 500 });
    const canary = 'kw-canary-4f1c9a7e';
    const response = await client.call('POST', VARIABLES, { token, body: { name: 'env:PLATFORMSH_CLI_TOKEN', value: canary, is_sensitive: true } });
    expect(response.status).toBe(500);
    expect((response.body as { error: string }).error).toContain(canary);
    simulator.faults.clear();
    expect((await client.call('GET', `${VARIABLES}/env%3APLATFORMSH_CLI_TOKEN`, { token })).status).toBe(404);
  });

  it('rate-limits requests per second with 429 and Retry-After', async () => {
    simulator.faults.setRateLimit({ requestsPerSecond: 5 });
    const responses = await Promise.all(Array.from({ length: 12 }, () => client.call('GET', '/users/me', { token })));
    const limited = responses.filter((response) => response.status === 429);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(5);
    expect(limited).toHaveLength(7);
    for (const response of limited) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    simulator.faults.setRateLimit(null);
    expect((await client.call('GET', '/users/me', { token })).status).toBe(200);
  });
});

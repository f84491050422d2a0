import { afterEach, describe, expect, it, vi } from 'vitest';
import { BreakerRegistry, HttpCore, mapWithConcurrency, parseRetryAfter, getCircuitState, type HttpCoreOptions, type HttpRequest } from './http';
import { gaps, json, ManualClock, networkError, rejection, scriptedFetch, type Step } from './test-support';

const API = new URL('https://api.example.test/projects/p1');

afterEach(() => {
  vi.useRealTimers();
});

function setup(steps: Step[], options: Partial<HttpCoreOptions> = {}) {
  const clock = new ManualClock();
  const fetch = scriptedFetch(steps);
  const breakers = new BreakerRegistry();
  const http = new HttpCore({ fetch, breakers, random: () => 0.5, ...options });
  const send = (request: Partial<HttpRequest> = {}) =>
    clock.run(http.send({ method: 'GET', url: API, pathTemplate: '/projects/{projectId}', ...request }));
  return { clock, fetch, http, send };
}

describe('retries', () => {
  it.each([429, 502, 503, 504])('retries a GET after %i and then succeeds', async (status) => {
    const { fetch, send } = setup([json(status, { error: 'busy' }), json(200, { ok: true })]);
    const response = await send();
    expect(response.status).toBe(200);
    expect(fetch.requests).toHaveLength(2);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT'])('retries a GET after a network error (%s)', async (code) => {
    const { fetch, send } = setup([networkError(code), json(200, {})]);
    await send();
    expect(fetch.requests).toHaveLength(2);
  });

  it.each([
    [400, 'invalid'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [409, 'conflict'],
    [500, 'unavailable'],
    [501, 'unavailable'],
  ] as const)('never retries %i (kind %s)', async (status, kind) => {
    const { fetch, clock, send } = setup([json(status, { error: 'no' }), json(200, {})]);
    const start = clock.now();
    const error = await rejection(send());
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(fetch.requests).toHaveLength(1);
    expect(clock.now()).toBe(start);
  });

  it('gives up after maxAttempts and reports the last failure', async () => {
    const { fetch, send } = setup(Array.from({ length: 6 }, () => json(503, { error: 'down' })), { retry: { maxAttempts: 3 }, breaker: { failureThreshold: 100 } });
    const error = await rejection(send());
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(fetch.requests).toHaveLength(3);
  });

  it('honours Retry-After in seconds', async () => {
    const { fetch, send } = setup([json(429, {}, { 'retry-after': '7' }), json(200, {})]);
    await send();
    expect(gaps(fetch.requests)).toEqual([7_000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
    const fetch = scriptedFetch([json(503, {}, { 'retry-after': 'Sun, 01 Mar 2026 10:00:12 GMT' }), json(200, {})]);
    const http = new HttpCore({ fetch, breakers: new BreakerRegistry() });
    await clock.run(http.send({ method: 'GET', url: API, pathTemplate: '/p' }));
    expect(gaps(fetch.requests)).toEqual([12_000]);
  });

  it('fails fast as rate_limited when Retry-After exceeds the cap', async () => {
    const { clock, fetch, send } = setup([json(429, { error: 'slow down' }, { 'retry-after': '86400' }), json(200, {})]);
    const start = clock.now();
    const error = await rejection(send());
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(86_400_000);
    expect(fetch.requests).toHaveLength(1);
    expect(clock.now()).toBe(start);
  });

  it.each([
    [0.5, [500, 1_000, 2_000, 2_500]],
    [0.9999, [999, 1_999, 3_999, 4_999]],
    [0, [0, 0, 0, 0]],
  ])('backs off with full jitter, random × min(cap, base·2ⁿ) (random %d)', async (random, waits) => {
    const { fetch, send } = setup(
      [json(502, {}), json(502, {}), json(502, {}), json(502, {}), json(200, {})],
      { retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 5_000 }, breaker: { failureThreshold: 100 }, random: () => random },
    );
    await send();
    expect(gaps(fetch.requests)).toEqual(waits);
  });
});

describe('deadline and unknown outcomes', () => {
  it('turns a hanging GET into a timeout at the deadline, without retrying', async () => {
    const { clock, fetch, send } = setup(['hang', json(200, {})], { timeoutMs: 2_000 });
    const start = clock.now();
    const error = await rejection(send());
    expect(error.kind).toBe('timeout');
    expect(clock.now() - start).toBe(2_000);
    expect(fetch.requests).toHaveLength(1);
  });

  it('applies the deadline to a slow body too', async () => {
    const { clock, send } = setup(
      [
        () => {
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"partial":'));
            },
          });
          return new Response(body, { status: 200 });
        },
      ],
      { timeoutMs: 1_000 },
    );
    const start = clock.now();
    expect((await rejection(send())).kind).toBe('timeout');
    expect(clock.now() - start).toBe(1_000);
  });

  it.each(['POST', 'PATCH', 'DELETE'] as const)('a %s that timed out after send is unknown_outcome, not retried', async (method) => {
    const { fetch, send } = setup(['hang', json(200, {})], { timeoutMs: 1_000 });
    const error = await rejection(send({ method }));
    expect(error.kind).toBe('unknown_outcome');
    expect(fetch.requests).toHaveLength(1);
  });

  it('a POST whose connection dropped is unknown_outcome, not retried', async () => {
    const { fetch, send } = setup([networkError('ECONNRESET'), json(200, {})]);
    expect((await rejection(send({ method: 'POST' }))).kind).toBe('unknown_outcome');
    expect(fetch.requests).toHaveLength(1);
  });

  it('a POST refused before connecting is retried (nothing was sent)', async () => {
    const { fetch, send } = setup([networkError('ECONNREFUSED'), json(201, {})]);
    expect((await send({ method: 'POST' })).status).toBe(201);
    expect(fetch.requests).toHaveLength(2);
  });

  it.each([429, 503])('a POST answered %i (not processed) is retried', async (status) => {
    const { fetch, send } = setup([json(status, {}, { 'retry-after': '1' }), json(201, {})]);
    expect((await send({ method: 'POST' })).status).toBe(201);
    expect(fetch.requests).toHaveLength(2);
  });

  it.each([502, 504])('a POST answered %i by a gateway is unknown_outcome, not retried', async (status) => {
    const { fetch, send } = setup([json(status, {}), json(201, {})]);
    const error = await rejection(send({ method: 'POST' }));
    expect(error.kind).toBe('unknown_outcome');
    expect(error.status).toBe(status);
    expect(fetch.requests).toHaveLength(1);
  });

  it('never retries a timeout, even of an idempotent POST (the token exchange)', async () => {
    const { fetch, send } = setup(['hang', json(200, {})], { timeoutMs: 1_000 });
    expect((await rejection(send({ method: 'POST', idempotent: true }))).kind).toBe('timeout');
    expect(fetch.requests).toHaveLength(1);
  });
});

describe('circuit breaker', () => {
  const options = { retry: { maxAttempts: 1 }, breaker: { failureThreshold: 3, cooldownMs: 10_000 } };

  it('opens after N consecutive failures, fails fast, half-opens after the cool-down and closes on success', async () => {
    const { clock, fetch, http, send } = setup([json(500, {}), networkError('ECONNRESET'), json(502, {}), json(200, {})], options);
    for (let i = 0; i < 3; i += 1) await rejection(send());
    expect(http.circuitState(API)).toBe('open');

    const fast = await rejection(send());
    expect(fast.kind).toBe('circuit_open');
    expect(fast.retryAfterMs).toBe(10_000);
    expect(fetch.requests).toHaveLength(3);

    await clock.advance(10_000);
    expect(http.circuitState(API)).toBe('half-open');
    expect((await send()).status).toBe(200);
    expect(http.circuitState(API)).toBe('closed');
  });

  it('re-opens when the half-open trial fails, and lets only one trial through', async () => {
    const { clock, http, send, fetch } = setup([json(503, {}), json(503, {}), json(503, {}), 'hang', json(200, {})], { ...options, timeoutMs: 5_000 });
    for (let i = 0; i < 3; i += 1) await rejection(send());
    await clock.advance(10_000);
    const trial = http.send({ method: 'GET', url: API, pathTemplate: '/p' });
    trial.catch(() => undefined);
    await clock.advance(0);
    expect(http.circuitState(API)).toBe('half-open');
    // A second call during the trial does not reach the upstream: it waits for the trial's verdict.
    const second = http.send({ method: 'GET', url: API, pathTemplate: '/p' });
    second.catch(() => undefined);
    await clock.advance(0);
    expect(fetch.requests).toHaveLength(4);
    await clock.advance(5_000);
    expect((await rejection(trial)).kind).toBe('timeout');
    const refused = await rejection(second);
    expect(refused.kind).toBe('circuit_open');
    expect(refused.retryAfterMs).toBe(10_000);
    expect(http.circuitState(API)).toBe('open');
    expect(fetch.requests).toHaveLength(4);
  });

  it('counts 4xx answers as a healthy upstream', async () => {
    const { http, send } = setup([json(500, {}), json(500, {}), json(404, {}), json(500, {}), json(500, {})], options);
    for (let i = 0; i < 5; i += 1) await rejection(send());
    expect(http.circuitState(API)).toBe('closed');
  });

  it('keeps one breaker per origin and reports unknown origins as closed', async () => {
    const { http, send } = setup([json(500, {}), json(500, {}), json(500, {})], options);
    for (let i = 0; i < 3; i += 1) await rejection(send());
    expect(http.circuitState('https://api.example.test')).toBe('open');
    expect(http.circuitState('https://auth.example.test')).toBe('closed');
    expect(getCircuitState('https://never-called.example.test')).toBe('closed');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');
  it('reads seconds, dates, past dates and garbage', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` in flight, keeps order and isolates failures', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5 - (n % 3)));
      inFlight -= 1;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([10, 20, 30, 'failed', 50, 60, 70]);
  });

  it('handles an empty list', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});

describe('pacing', () => {
  it('spaces attempts evenly at the configured rate, retries included', async () => {
    const clock = new ManualClock();
    const fetch = scriptedFetch([json(200, {}), json(429, {}), json(200, {}), json(200, {}), json(200, {})]);
    const http = new HttpCore({ fetch, random: () => 0, breakers: new BreakerRegistry(), requestsPerSecond: 10 });
    const start = clock.now();
    await clock.run(
      Promise.all([1, 2, 3, 4].map(() => http.send({ method: 'GET', url: API, pathTemplate: '/projects/{projectId}' }))),
    );
    expect(fetch.requests).toHaveLength(5);
    expect(Math.min(...gaps(fetch.requests))).toBeGreaterThanOrEqual(100);
    expect(fetch.requests[0]?.at).toBe(start);
    // Evenly spaced: five requests at 10 per second take 400 ms, not more.
    expect((fetch.requests[4]?.at ?? 0) - start).toBeLessThanOrEqual(500);
  });

  it('does not delay a lone request', async () => {
    const { clock, send } = setup([json(200, {})], { requestsPerSecond: 1 });
    const start = clock.now();
    await send();
    expect(clock.now()).toBe(start);
  });
});

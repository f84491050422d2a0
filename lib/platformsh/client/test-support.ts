// Deterministic time and a scripted fetch for the client's unit tests (pure retry, deadline,
// breaker and pacing logic only; integration tests use the simulator over real HTTP).
import { vi } from 'vitest';
import { PlatformshError } from './errors';
import type { FetchLike } from './http';

/**
 * A clock that only moves when told to: vitest's fake Date and timers, which the client's
 * libraries (cockatiel's retry, breaker and deadline; bottleneck's pacing) read. Constructing one
 * fakes them for the test; `vi.useRealTimers()` in an afterEach puts them back.
 */
export class ManualClock {
  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    // setImmediate stays real: flush() lets promise chains run without moving time.
    vi.useFakeTimers({ now: start, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  }

  now(): number {
    return Date.now();
  }

  /** Fires every timer due within `ms`, in order, letting the code run between them. */
  async advance(ms: number): Promise<void> {
    await flush();
    await vi.advanceTimersByTimeAsync(ms);
    await flush();
  }

  /** Runs the clock forward, timer by timer, until `promise` settles. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = promise.finally(() => {
      settled = true;
    });
    tracked.catch(() => undefined);
    for (let step = 0; step < 10_000; step += 1) {
      await flush();
      if (settled) return tracked;
      if (vi.getTimerCount() === 0) throw new Error('ManualClock.run: the promise waits on something other than the clock');
      await vi.advanceTimersToNextTimerAsync();
    }
    throw new Error('ManualClock.run: too many steps');
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  /** When it was sent (the faked clock's time). */
  at: number;
}

export type Step = Response | Error | 'hang' | ((request: RecordedRequest) => Response | Error | 'hang');

/** A fetch that answers from a script, one step per call; 'hang' never answers (until aborted). */
export function scriptedFetch(steps: Step[]): FetchLike & { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fn = async (url: string, init: RequestInit): Promise<Response> => {
    const request: RecordedRequest = {
      url: new URL(url),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
      at: Date.now(),
    };
    requests.push(request);
    const raw = steps.shift();
    if (raw === undefined) throw new Error(`scriptedFetch: no step left for ${request.method} ${url}`);
    const step = typeof raw === 'function' ? raw(request) : raw;
    if (step === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
      });
    }
    if (step instanceof Error) throw step;
    return step;
  };
  return Object.assign(fn, { requests });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** The time between consecutive requests: the waits (backoff, Retry-After, pacing) a caller saw. */
export function gaps(requests: readonly RecordedRequest[]): number[] {
  return requests.slice(1).map((request, index) => request.at - (requests[index]?.at ?? request.at));
}

/** A fetch failure as undici raises it: a TypeError whose cause carries the socket error code. */
export function networkError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

/** The PlatformshError a call rejects with (any other outcome fails the test). */
export async function rejection(promise: Promise<unknown>): Promise<PlatformshError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformshError) return error;
    throw error;
  }
  throw new Error('expected a PlatformshError');
}

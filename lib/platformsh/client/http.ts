// The HTTP core under every Platform.sh call (SECURITY.md R1–R4): a deadline on each attempt,
// retries only where they are safe, a circuit breaker per upstream origin, and bounded fan-out.
// Clock, sleep and randomness are injected so that every rule is tested deterministically.
import { kindForStatus, parseVendorError, PlatformshError, type HttpMethod, type PlatformshErrorKind } from './errors';

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects (or resolves early, harmlessly) once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before attempt n+1 is uniform in [0, min(maxDelayMs, baseDelayMs·2ⁿ)] ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this fails fast as `rate_limited` instead of sleeping through it. */
  retryAfterCapMs: number;
}

export interface BreakerOptions {
  /** Consecutive failed attempts (network, timeout, 5xx) that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before letting one trial call through (half-open). */
  cooldownMs: number;
}

export interface HttpCoreOptions {
  fetch?: FetchLike;
  clock?: Clock;
  random?: () => number;
  /** Deadline of each attempt, from sending to the last byte of the body. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
  /** Breakers shared per origin; the process-wide registry unless a test brings its own. */
  breakers?: BreakerRegistry;
  userAgent?: string;
  /** Paces every attempt to at most this many per second (the API's rate limit); unpaced if unset. */
  requestsPerSecond?: number;
}

// Defaults: 15 s per attempt is well above Platform.sh's normal latency yet short enough for a
// person waiting on a page; 4 attempts with a 0.5 s base and 10 s backoff cap bound the extra wait
// at ~17 s in the worst case; a Retry-After over 60 s means "come back later", not "hold the request".
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000, retryAfterCapMs: 60_000 };
// Five consecutive failed attempts is a little more than one call's full retry budget, so a
// single unlucky call does not open it; 30 s lets a gateway restart before the next trial.
export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, cooldownMs: 30_000 };

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Spaces attempts evenly, `1000 / requestsPerSecond` ms apart (a leaky bucket), so that a fan-out
 * stays under the API's rate limit instead of discovering it through 429s and their Retry-After.
 */
export class RequestPacer {
  private nextSlot = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;

  constructor(
    requestsPerSecond: number,
    private readonly clock: Clock,
  ) {
    this.intervalMs = 1000 / requestsPerSecond;
  }

  async wait(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.clock.sleep(slot - now);
  }
}

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(readonly options: BreakerOptions) {}

  state(now: number): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return now - this.openedAt >= this.options.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go out now; in half-open, only one trial call at a time. */
  tryAcquire(now: number): { allowed: true; trial: boolean } | { allowed: false; retryAfterMs: number } {
    const state = this.state(now);
    if (state === 'closed') return { allowed: true, trial: false };
    if (state === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return { allowed: true, trial: true };
    }
    const openedAt = this.openedAt ?? now;
    return { allowed: false, retryAfterMs: Math.max(0, openedAt + this.options.cooldownMs - now) };
  }

  onSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  onFailure(now: number, trial: boolean): void {
    this.consecutiveFailures += 1;
    if (trial || this.consecutiveFailures >= this.options.failureThreshold) this.openedAt = now;
    if (trial) this.trialInFlight = false;
  }
}

export class BreakerRegistry {
  private readonly breakers = new Map<string, { breaker: CircuitBreaker; clock: Clock }>();

  get(origin: string, options: BreakerOptions, clock: Clock): CircuitBreaker {
    let entry = this.breakers.get(origin);
    if (!entry) {
      entry = { breaker: new CircuitBreaker(options), clock };
      this.breakers.set(origin, entry);
    }
    return entry.breaker;
  }

  state(origin: string): CircuitState {
    const entry = this.breakers.get(normaliseOrigin(origin));
    return entry ? entry.breaker.state(entry.clock.now()) : 'closed';
  }

  all(): Record<string, CircuitState> {
    return Object.fromEntries([...this.breakers].map(([origin, entry]) => [origin, entry.breaker.state(entry.clock.now())]));
  }
}

const processBreakers = new BreakerRegistry();

function normaliseOrigin(urlOrOrigin: string | URL): string {
  try {
    return new URL(urlOrOrigin).origin;
  } catch {
    return String(urlOrOrigin);
  }
}

/** The breaker state of an upstream (API or auth server), for the UI (SECURITY.md R3). */
export function getCircuitState(urlOrOrigin: string | URL): CircuitState {
  return processBreakers.state(normaliseOrigin(urlOrOrigin));
}

/** Every upstream this process has called, with its breaker state. */
export function listCircuitStates(): Record<string, CircuitState> {
  return processBreakers.all();
}

/** Parses `Retry-After`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Full-jitter backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function fullJitterDelay(retryIndex: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

// Connection errors raised before a single byte left: safe to retry whatever the method.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  /** The templated path used in errors and logs. */
  pathTemplate: string;
  headers?: Record<string, string>;
  body?: string;
  /** Secrets this call holds (tokens, a variable value): redacted out of any error. */
  secrets?: readonly string[];
  /**
   * Whether the request may be repeated after it might have reached the server. GET is; the
   * token exchange is (it creates nothing). POST/PATCH/DELETE on the API are not: there are no
   * idempotency keys (CONTRACT.md), so a lost answer is `unknown_outcome` and the caller reads.
   */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  bodyText: string;
}

type AttemptOutcome =
  | { type: 'response'; response: HttpResponse }
  | { type: 'timeout' }
  | { type: 'network'; code: string | undefined };

export class HttpCore {
  private readonly fetchImpl: FetchLike;
  readonly clock: Clock;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly breakerOptions: BreakerOptions;
  private readonly breakers: BreakerRegistry;
  private readonly userAgent: string;
  private readonly pacer: RequestPacer | undefined;

  constructor(options: HttpCoreOptions = {}) {
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.breakerOptions = { ...DEFAULT_BREAKER, ...options.breaker };
    this.breakers = options.breakers ?? processBreakers;
    this.userAgent = options.userAgent ?? 'keywarden';
    this.pacer = options.requestsPerSecond ? new RequestPacer(options.requestsPerSecond, this.clock) : undefined;
  }

  circuitState(urlOrOrigin: string | URL): CircuitState {
    return this.breakers.state(normaliseOrigin(urlOrOrigin));
  }

  /**
   * Sends a request under the retry, deadline and breaker rules. Resolves with any 2xx response;
   * throws a PlatformshError for everything else.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const idempotent = request.idempotent ?? request.method === 'GET';
    const breaker = this.breakers.get(request.url.origin, this.breakerOptions, this.clock);
    const fail = (kind: PlatformshErrorKind, extra: Partial<ConstructorParameters<typeof PlatformshError>[0]> = {}) =>
      new PlatformshError({ kind, method: request.method, path: request.pathTemplate, secrets: request.secrets, ...extra });

    for (let attempt = 1; ; attempt += 1) {
      const permit = breaker.tryAcquire(this.clock.now());
      if (!permit.allowed) throw fail('circuit_open', { retryAfterMs: permit.retryAfterMs });

      await this.pacer?.wait();
      const outcome = await this.attempt(request);
      const isLast = attempt >= this.retry.maxAttempts;

      if (outcome.type === 'response') {
        const { status } = outcome.response;
        if (status >= 500) breaker.onFailure(this.clock.now(), permit.trial);
        else breaker.onSuccess();
        if (status >= 200 && status < 300) return outcome.response;

        const vendor = parseVendorError(outcome.response.bodyText);
        const retryAfterMs = parseRetryAfter(outcome.response.headers.get('retry-after'), this.clock.now());
        const error = (kind: PlatformshErrorKind) =>
          fail(kind, { status, code: vendor.code, vendorMessage: vendor.message, retryAfterMs });

        // 429 and 503 mean "not processed" (RFC 9110 §15.6.4, RFC 6585 §4), so even a POST may be
        // repeated. A 502/504 comes from a gateway that may already have forwarded the request:
        // safe to repeat a read, but a write's outcome is unknown.
        const retryable = status === 429 || status === 503 || ((status === 502 || status === 504) && idempotent);
        if (!retryable) {
          if ((status === 502 || status === 504) && !idempotent) throw error('unknown_outcome');
          throw error(kindForStatus(status));
        }
        if (retryAfterMs !== undefined && retryAfterMs > this.retry.retryAfterCapMs) throw error('rate_limited');
        if (isLast) throw error(kindForStatus(status));
        await this.clock.sleep(retryAfterMs ?? fullJitterDelay(attempt - 1, this.retry, this.random));
        continue;
      }

      breaker.onFailure(this.clock.now(), permit.trial);
      if (outcome.type === 'timeout') {
        // A hang is not retried: the deadline already spent the caller's patience, and a write
        // that timed out may have been applied.
        throw fail(idempotent ? 'timeout' : 'unknown_outcome', { detail: `no answer within ${this.timeoutMs} ms` });
      }
      const notSent = outcome.code !== undefined && NOT_SENT_CODES.has(outcome.code);
      if (!idempotent && !notSent) throw fail('unknown_outcome', { detail: outcome.code });
      if (isLast) throw fail('network', { detail: outcome.code });
      await this.clock.sleep(fullJitterDelay(attempt - 1, this.retry, this.random));
    }
  }

  private async attempt(request: HttpRequest): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const timerCancel = new AbortController();
    // The deadline races the whole attempt, body included: a slow body is as much a hang as no
    // answer, and the race holds even if an implementation ignores the abort signal.
    const deadline = this.clock.sleep(this.timeoutMs, timerCancel.signal).then((): AttemptOutcome => {
      if (!timerCancel.signal.aborted) controller.abort();
      return { type: 'timeout' };
    });
    const work = (async (): Promise<AttemptOutcome> => {
      try {
        const response = await this.fetchImpl(request.url.toString(), {
          method: request.method,
          headers: { 'user-agent': this.userAgent, accept: 'application/json', ...request.headers },
          body: request.body,
          signal: controller.signal,
          redirect: 'error',
        });
        const bodyText = await response.text();
        return { type: 'response', response: { status: response.status, headers: response.headers, bodyText } };
      } catch (error) {
        if (controller.signal.aborted) return { type: 'timeout' };
        return { type: 'network', code: networkErrorCode(error) };
      }
    })();
    try {
      return await Promise.race([work, deadline]);
    } finally {
      timerCancel.abort();
    }
  }
}

/**
 * Runs `fn` over `items` with at most `limit` in flight, keeping the order of results. Every item
 * runs, whatever happens to the others (a failed project does not stop the sync of the rest).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = { status: 'fulfilled', value: await fn(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

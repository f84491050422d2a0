// The HTTP core under every Platform.sh call (SECURITY.md R1–R4): a deadline on each attempt,
// retries only where they are safe, a circuit breaker per upstream origin, request pacing and
// bounded fan-out. The mechanisms are libraries (cockatiel: retry with backoff and jitter, breaker,
// deadline; p-limit: concurrency) except the pacer, kept by hand for a measured reason (see
// RequestPacer); this module holds the rules: what is safe to repeat, what counts against the
// upstream, what a caller is told. Everything reads the platform clock (Date.now, setTimeout), which
// the unit tests fake (vitest's fake timers): that is the seam through which every rule is tested
// deterministically.
import {
  CircuitBreakerPolicy,
  CircuitState as BreakerState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  BrokenCircuitError,
  circuitBreaker,
  noJitterGenerator,
  handleWhenResult,
  retry,
  timeout,
  type IRetryBackoffContext,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import pLimit from 'p-limit';
import { vendorProfile, type Vendor } from '@/lib/vendor';
import { kindForStatus, parseVendorError, PlatformshError, type HttpMethod, type PlatformshErrorKind } from './errors';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before attempt n+2 is uniform in [0, min(maxDelayMs, baseDelayMs·2ⁿ)] ("full jitter"). */
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
  /** The jitter's randomness (Math.random); a test fixes it. */
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
  /** Platform.sh (default) or Upsun: the service its errors name to a person. */
  vendor?: Vendor;
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
 *
 * Kept by hand rather than bottleneck or p-queue, for a measured reason: both time each launch from
 * the previous one, so every late timer (Node's timers are millisecond-grained and fire late on a
 * busy loop) pushes all later launches back. This pacer books slots on a fixed grid at call time,
 * so lateness does not add up. 2,000 trivial jobs at 500/s from 16 callers (lower bound 4.0 s):
 * this pacer 4.0 s, p-queue 10.0.0 5.5 s, bottleneck 2.19.5 7.8 s; with 1 ms of CPU after each job
 * (a busy loop, as in a sync) 7–9 s, 12.3 s and 15.6 s (one run each, same machine, same minute).
 */
export class RequestPacer {
  private nextSlot = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;

  constructor(requestsPerSecond: number) {
    this.intervalMs = 1000 / requestsPerSecond;
  }

  async wait(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

/** One upstream's breaker (cockatiel) and when it last opened, for the state and retry-after it reports. */
class UpstreamBreaker {
  readonly policy: CircuitBreakerPolicy;
  private openedAt = 0;

  constructor(readonly options: BreakerOptions) {
    // Counted as failures: no answer (network, deadline) and 5xx. A 4xx or a 429 is a healthy
    // upstream refusing this one request.
    this.policy = circuitBreaker(
      handleWhenResult((result) => {
        const { outcome } = result as Attempt;
        return outcome.type !== 'response' || outcome.response.status >= 500;
      }),
      { halfOpenAfter: options.cooldownMs, breaker: new ConsecutiveBreaker(options.failureThreshold) },
    );
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
  }

  state(): CircuitState {
    switch (this.policy.state) {
      case BreakerState.Closed:
        return 'closed';
      case BreakerState.HalfOpen:
        return 'half-open';
      default:
        // cockatiel moves to half-open lazily, on the first call after the cool-down.
        return this.policy.state === BreakerState.Open && Date.now() - this.openedAt >= this.options.cooldownMs ? 'half-open' : 'open';
    }
  }

  retryAfterMs(): number {
    return Math.max(0, this.openedAt + this.options.cooldownMs - Date.now());
  }
}

export class BreakerRegistry {
  private readonly breakers = new Map<string, UpstreamBreaker>();

  get(origin: string, options: BreakerOptions): UpstreamBreaker {
    let breaker = this.breakers.get(origin);
    if (!breaker) {
      breaker = new UpstreamBreaker(options);
      this.breakers.set(origin, breaker);
    }
    return breaker;
  }

  state(origin: string): CircuitState {
    return this.breakers.get(normaliseOrigin(origin))?.state() ?? 'closed';
  }

  all(): Record<string, CircuitState> {
    return Object.fromEntries([...this.breakers].map(([origin, breaker]) => [origin, breaker.state()]));
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

type AttemptOutcome = { type: 'response'; response: HttpResponse } | { type: 'timeout' } | { type: 'network'; code: string | undefined };

/** An attempt's outcome and, when it may be repeated, the wait its Retry-After asked for (if any). */
interface Attempt {
  outcome: AttemptOutcome;
  repeat: { retryAfterMs: number | undefined } | undefined;
}

export class HttpCore {
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly breakerOptions: BreakerOptions;
  private readonly breakers: BreakerRegistry;
  private readonly userAgent: string;
  /** The service's name in the errors a person reads ("Upsun did not answer in time"). */
  readonly productName: string;
  private readonly retryPolicy: RetryPolicy;
  private readonly deadline: TimeoutPolicy;
  private readonly pacer: RequestPacer | undefined;

  constructor(options: HttpCoreOptions = {}) {
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.breakerOptions = { ...DEFAULT_BREAKER, ...options.breaker };
    this.breakers = options.breakers ?? processBreakers;
    this.userAgent = options.userAgent ?? 'keywarden';
    this.productName = vendorProfile(options.vendor ?? 'platformsh').productName;
    const random = options.random ?? Math.random;
    const schedule = { generator: noJitterGenerator, initialDelay: this.retry.baseDelayMs, maxDelay: this.retry.maxDelayMs, exponent: 2 };
    this.retryPolicy = retry(handleWhenResult((attempt) => (attempt as Attempt).repeat !== undefined), {
      maxAttempts: Math.max(0, this.retry.maxAttempts - 1),
      // A Retry-After is honoured as given; otherwise full jitter (AWS Architecture Blog,
      // "Exponential Backoff and Jitter"), uniform in [0, min(maxDelayMs, baseDelayMs·2ⁿ)]: cockatiel's
      // fullJitterGenerator's formula over its exponential schedule, with the randomness injectable.
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
        const last = 'value' in context.result ? (context.result.value as Attempt) : undefined;
        const [ceiling] = noJitterGenerator(context.attempt - 1, schedule);
        return last?.repeat?.retryAfterMs ?? Math.floor(random() * ceiling);
      }),
    });
    // Aggressive: the deadline races the whole attempt, body included (a slow body is as much a
    // hang as no answer), and holds even if a fetch implementation ignores the abort signal.
    this.deadline = timeout(this.timeoutMs, TimeoutStrategy.Aggressive);
    // Every attempt is paced, retries included.
    this.pacer = options.requestsPerSecond ? new RequestPacer(options.requestsPerSecond) : undefined;
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
    const breaker = this.breakers.get(request.url.origin, this.breakerOptions);
    const fail = (kind: PlatformshErrorKind, extra: Partial<ConstructorParameters<typeof PlatformshError>[0]> = {}) =>
      new PlatformshError({ kind, method: request.method, path: request.pathTemplate, secrets: request.secrets, productName: this.productName, ...extra });

    const attemptOnce = async (): Promise<Attempt> => {
      await this.pacer?.wait();
      const outcome = await this.attempt(request);
      return { outcome, repeat: this.repeatable(outcome, idempotent) };
    };
    let last: Attempt;
    try {
      // The breaker sits inside the retry: every attempt counts, and an open breaker stops the retries.
      last = await this.retryPolicy.execute(() => breaker.policy.execute(attemptOnce));
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw fail('circuit_open', { retryAfterMs: breaker.retryAfterMs() });
      throw error;
    }

    const { outcome } = last;
    if (outcome.type === 'response') {
      const { status } = outcome.response;
      if (status >= 200 && status < 300) return outcome.response;
      const vendor = parseVendorError(outcome.response.bodyText);
      const retryAfterMs = parseRetryAfter(outcome.response.headers.get('retry-after'), Date.now());
      const error = (kind: PlatformshErrorKind) => fail(kind, { status, code: vendor.code, vendorMessage: vendor.message, retryAfterMs });
      if ((status === 502 || status === 504) && !idempotent) throw error('unknown_outcome');
      if (isRetryableStatus(status, idempotent) && retryAfterMs !== undefined && retryAfterMs > this.retry.retryAfterCapMs) throw error('rate_limited');
      throw error(kindForStatus(status));
    }
    if (outcome.type === 'timeout') {
      // A hang is not retried: the deadline already spent the caller's patience, and a write
      // that timed out may have been applied.
      throw fail(idempotent ? 'timeout' : 'unknown_outcome', { detail: `no answer within ${this.timeoutMs} ms` });
    }
    if (!idempotent && !isNotSent(outcome.code)) throw fail('unknown_outcome', { detail: outcome.code });
    throw fail('network', { detail: outcome.code });
  }

  /** Whether an attempt may be repeated, and after what the server asked. */
  private repeatable(outcome: AttemptOutcome, idempotent: boolean): Attempt['repeat'] {
    if (outcome.type === 'timeout') return undefined;
    if (outcome.type === 'network') return idempotent || isNotSent(outcome.code) ? { retryAfterMs: undefined } : undefined;
    const { status, headers } = outcome.response;
    if (!isRetryableStatus(status, idempotent)) return undefined;
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'), Date.now());
    // A Retry-After over the cap means "come back later": fail fast instead of holding the request.
    if (retryAfterMs !== undefined && retryAfterMs > this.retry.retryAfterCapMs) return undefined;
    return { retryAfterMs };
  }

  private async attempt(request: HttpRequest): Promise<AttemptOutcome> {
    try {
      return await this.deadline.execute(({ signal }) => this.exchange(request, signal));
    } catch (error) {
      if (error instanceof TaskCancelledError) return { type: 'timeout' };
      throw error;
    }
  }

  private async exchange(request: HttpRequest, signal: AbortSignal): Promise<AttemptOutcome> {
    try {
      const response = await this.fetchImpl(request.url.toString(), {
        method: request.method,
        headers: { 'user-agent': this.userAgent, accept: 'application/json', ...request.headers },
        body: request.body,
        signal,
        redirect: 'error',
      });
      const bodyText = await response.text();
      return { type: 'response', response: { status: response.status, headers: response.headers, bodyText } };
    } catch (error) {
      if (signal.aborted) return { type: 'timeout' };
      return { type: 'network', code: networkErrorCode(error) };
    }
  }
}

// 429 and 503 mean "not processed" (RFC 9110 §15.6.4, RFC 6585 §4), so even a POST may be
// repeated. A 502/504 comes from a gateway that may already have forwarded the request: safe to
// repeat a read, but a write's outcome is unknown. Any other status is an answer, not retried.
function isRetryableStatus(status: number, idempotent: boolean): boolean {
  return status === 429 || status === 503 || ((status === 502 || status === 504) && idempotent);
}

function isNotSent(code: string | undefined): boolean {
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/**
 * Runs `fn` over `items` with at most `limit` in flight (p-limit), keeping the order of results.
 * Every item runs, whatever happens to the others (a failed project does not stop the sync of the rest).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const run = pLimit(Math.max(1, limit));
  return Promise.allSettled(items.map((item, index) => run(() => fn(item, index))));
}

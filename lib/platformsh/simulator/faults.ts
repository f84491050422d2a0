// Fault injection (SECURITY.md "Faults to test against the simulator"). Enabled only when the
// simulator is started with `{ faults: true }`, so a sandbox or demo start can never misbehave.

export type FaultKind =
  /** Delay the answer; other matching rules still apply afterwards. */
  | { kind: 'latency'; ms: number }
  /** Answer 429 with this Retry-After: seconds, an HTTP date (a Date), or any raw header text. */
  | { kind: 'too-many-requests'; retryAfter: number | Date | string }
  /** Answer any status (5xx, 4xx) with an optional body; the request is not applied. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Apply the request, then send the body in small chunks with a pause between them. */
  | { kind: 'slow-body'; chunkDelayMs: number; chunkBytes?: number }
  /** Read the request, then reset the connection (TCP RST) before any reply; nothing is applied. */
  | { kind: 'reset' }
  /** Commit the change, then destroy the connection without answering. */
  | { kind: 'apply-then-drop' }
  /** Answer an error whose body echoes the request body (the canary scan's worst case). */
  | { kind: 'echo-body'; status?: number };

export interface FaultMatch {
  /** HTTP method, or `*` (the default). */
  method?: string;
  /**
   * The path: a RegExp, or a pattern where `{name}` and `*` match one segment and `**` the rest,
   * e.g. `/projects/{projectId}/environments/*\/variables`. Matched against the raw (encoded) path.
   */
  path: string | RegExp;
  /** How many times the rule fires before it retires itself; unlimited when absent. */
  count?: number;
}

export type FaultRuleInput = FaultMatch & FaultKind;

export interface FaultRule {
  readonly id: number;
  readonly input: FaultRuleInput;
  /** How many times the rule has fired so far. */
  fired: number;
  remove(): void;
}

export interface RateLimit {
  requestsPerSecond: number;
}

export interface FaultDecision {
  latencyMs: number;
  /** The rule that decides the answer, if any. */
  terminal?: FaultKind;
  /** Set when the rate limit refused the request: seconds to wait. */
  rateLimitedRetryAfterSeconds?: number;
}

export class FaultsDisabledError extends Error {
  constructor() {
    super('Fault injection is disabled: start the simulator with { faults: true }.');
    this.name = 'FaultsDisabledError';
  }
}

export class FaultInjector {
  private readonly rules: (FaultRule & { pattern: RegExp; method: string })[] = [];
  private nextId = 1;
  private rateLimit: RateLimit | null = null;
  private readonly recentRequests: number[] = [];

  constructor(readonly isEnabled: boolean) {}

  /** Adds a rule; rules are consulted in the order they were added. */
  add(input: FaultRuleInput): FaultRule {
    this.assertEnabled();
    const rule = {
      id: this.nextId++,
      input,
      fired: 0,
      pattern: typeof input.path === 'string' ? compilePathPattern(input.path) : input.path,
      method: (input.method ?? '*').toUpperCase(),
      remove: () => {
        const index = this.rules.findIndex((candidate) => candidate.id === rule.id);
        if (index >= 0) this.rules.splice(index, 1);
      },
    };
    this.rules.push(rule);
    return rule;
  }

  /** Refuses requests beyond `requestsPerSecond` (sliding one-second window) with 429; `null` lifts it. */
  setRateLimit(limit: RateLimit | null): void {
    this.assertEnabled();
    this.rateLimit = limit;
    this.recentRequests.length = 0;
  }

  /** Removes every rule and the rate limit. */
  clear(): void {
    this.rules.length = 0;
    this.rateLimit = null;
    this.recentRequests.length = 0;
  }

  /** Decides what happens to one request; counts the rules that fire. */
  decide(method: string, rawPath: string, nowMs: number = Date.now()): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    if (!this.isEnabled) return decision;
    if (this.rateLimit) {
      while (this.recentRequests.length > 0 && (this.recentRequests[0] ?? 0) <= nowMs - 1000) this.recentRequests.shift();
      if (this.recentRequests.length >= this.rateLimit.requestsPerSecond) {
        const oldest = this.recentRequests[0] ?? nowMs;
        decision.rateLimitedRetryAfterSeconds = Math.max(1, Math.ceil((oldest + 1000 - nowMs) / 1000));
        return decision;
      }
      this.recentRequests.push(nowMs);
    }
    for (const rule of [...this.rules]) {
      if (rule.method !== '*' && rule.method !== method.toUpperCase()) continue;
      if (!rule.pattern.test(rawPath)) continue;
      rule.fired += 1;
      if (rule.input.count !== undefined && rule.fired >= rule.input.count) rule.remove();
      if (rule.input.kind === 'latency') {
        decision.latencyMs += rule.input.ms;
        continue;
      }
      decision.terminal = rule.input;
      break;
    }
    return decision;
  }

  private assertEnabled(): void {
    if (!this.isEnabled) throw new FaultsDisabledError();
  }
}

export function compilePathPattern(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment === '**') return '.*';
      if (segment === '*' || /^\{[^}]+\}$/.test(segment)) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** Retry-After header text for a fault: seconds stay numbers, a Date becomes an HTTP date. */
export function retryAfterHeader(retryAfter: number | Date | string): string {
  if (retryAfter instanceof Date) return retryAfter.toUTCString();
  return String(retryAfter);
}

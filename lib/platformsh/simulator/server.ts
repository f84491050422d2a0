// The simulator's HTTP server: node:http, no framework. One server answers both the auth server's
// `/oauth2/token` and the API; the client is given the same URL for both bases.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realClock, type SimulatorClock } from './clock';
import { errorBody, SimulatorHttpError } from './errors';
import { FaultInjector, retryAfterHeader, type FaultKind } from './faults';
import { RequestLog } from './request-log';
import { Router, type RouteResult } from './router';
import { SIMULATOR_ROUTES } from './routes';
import { seedReviewDemo } from './review-demo';
import { seedDemoOrganisation, seedLargeOrganisation, type DemoOrganisation } from './seed';
import { SimulatorStore } from './store';
import type { Vendor } from '@/lib/vendor';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Enables the `faults` API; off by default so sandbox mode cannot be made to misbehave. */
  faults?: boolean;
  /** Drives activity progress and token expiry; a ManualClock lets tests advance time. */
  clock?: SimulatorClock;
  /** Pending → complete duration of a redeploy activity, in clock milliseconds (default 3 s). */
  activityDurationMs?: number;
  /**
   * `'demo'` seeds the demo organisation (default), `'empty'` nothing, `{ large }` a generated
   * organisation for benchmarks, or a function seeds the store itself.
   */
  seed?: 'demo' | 'empty' | { large: { projects: number; environmentsPerProject: number } } | ((store: SimulatorStore) => void);
  /** Overrides the demo dashboard credential's API token value. */
  dashboardToken?: string;
  /**
   * Derives every credential the demo seed issues from this secret instead of from public names:
   * sandbox mode passes a random key kept in its data directory, so no token in the source works.
   */
  credentialKey?: string;
  /** Sandbox start-up only: adds the review demo (review-demo.ts) to the demo organisation. */
  reviewDemo?: boolean;
  /** Runs as Platform.sh (default) or Upsun: seed variables, crons and Console links follow it. */
  vendor?: Vendor;
}

export interface RunningSimulator {
  /** API base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Auth server base URL (the same server): the token endpoint is `${authUrl}/oauth2/token`. */
  authUrl: string;
  store: SimulatorStore;
  faults: FaultInjector;
  requestLog: RequestLog;
  clock: SimulatorClock;
  /** The vendor it runs as; a client of it pushes that vendor's variable. */
  vendor: Vendor;
  /** Set when started with the demo seed. */
  demo?: DemoOrganisation;
  stop(): Promise<void>;
}

const router = new Router(SIMULATOR_ROUTES);
const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? realClock;
  const store = new SimulatorStore({ clock, activityDurationMs: options.activityDurationMs ?? 3000, vendor: options.vendor ?? 'platformsh' });
  const faults = new FaultInjector(options.faults === true);
  const requestLog = new RequestLog();
  let demo: DemoOrganisation | undefined;
  if (options.seed === undefined || options.seed === 'demo') {
    demo = seedDemoOrganisation(store, { dashboardToken: options.dashboardToken, credentialKey: options.credentialKey });
    if (options.reviewDemo) seedReviewDemo(store, demo.organizationId, options.credentialKey);
  }
  else if (typeof options.seed === 'function') options.seed(store);
  else if (typeof options.seed === 'object') seedLargeOrganisation(store, { ...options.seed.large, dashboardToken: options.dashboardToken });

  let baseUrl = '';
  const server = createServer((request, response) => {
    void handleRequest(request, response).catch(() => {
      if (!response.headersSent) writeResult(response, { status: 500, body: { error: 'Simulator failure.' } });
      else response.destroy();
    });
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const target = new URL(request.url ?? '/', baseUrl);
    const method = (request.method ?? 'GET').toUpperCase();
    requestLog.record({
      method,
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: { ...request.headers },
      body: rawBody,
      receivedAt: new Date(),
    });

    const decision = faults.decide(method, target.pathname);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.rateLimitedRetryAfterSeconds !== undefined) {
      writeResult(response, { status: 429, body: { error: 'Too many requests.' }, headers: { 'Retry-After': String(decision.rateLimitedRetryAfterSeconds) } });
      return;
    }
    const fault = decision.terminal;
    const refusal = fault ? refusalFor(fault, rawBody) : undefined;
    if (refusal) {
      writeResult(response, refusal);
      return;
    }
    if (fault?.kind === 'hang') return; // Never answered; stop() closes the socket.
    if (fault?.kind === 'reset') {
      request.socket.resetAndDestroy();
      return;
    }

    const result = route(method, target, rawBody, request);
    if (fault?.kind === 'apply-then-drop') {
      // The change is committed; the caller never learns it.
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow-body') {
      await writeSlowly(response, result, fault.chunkDelayMs, fault.chunkBytes ?? 16);
      return;
    }
    writeResult(response, result);
  }

  function route(method: string, target: URL, rawBody: string, request: IncomingMessage): RouteResult {
    try {
      const match = router.match(method, target.pathname);
      if (!match.route) {
        if (match.allowedMethods.length > 0) return { status: 405, body: { error: 'Method not allowed.' }, headers: { Allow: match.allowedMethods.join(', ') } };
        return { status: 404, body: { error: 'Not found.' } };
      }
      const body = parseJsonBody(rawBody, request.headers['content-type']);
      const context = { params: match.params, query: target.searchParams, body, rawBody, headers: request.headers, store, baseUrl, path: target.pathname };
      if (match.route.isPublic) return match.route.handle(context);
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const caller = bearer ? store.authenticate(bearer) : undefined;
      if (!caller) {
        return {
          status: 401,
          body: { error: 'invalid_token', error_description: 'A valid bearer access token is required.' },
          headers: { 'WWW-Authenticate': 'Bearer' },
        };
      }
      return match.route.handle({ ...context, caller });
    } catch (error) {
      if (error instanceof SimulatorHttpError) {
        const { contentType, body } = errorBody(error);
        return { status: error.status, body, contentType };
      }
      throw error;
    }
  }

  // Idle connections stay open longer than the client keeps them (undici: 4 s), as a real API's do.
  // With Node's 5 s default, a client reusing a socket at the moment the server closes it sees a
  // reset after sending a POST, which happened on loaded test machines.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address}:${address.port}`;

  return {
    url: baseUrl,
    authUrl: baseUrl,
    store,
    faults,
    requestLog,
    clock,
    vendor: store.vendor.vendor,
    demo,
    stop: () =>
      new Promise<void>((resolve) => {
        // Hung and kept-alive connections would otherwise hold close() open forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The answer of a fault that refuses the request before it is applied, if this fault is one. */
function refusalFor(fault: FaultKind, rawBody: string): RouteResult | undefined {
  switch (fault.kind) {
    case 'too-many-requests':
      return { status: 429, body: { error: 'Too many requests.' }, headers: { 'Retry-After': retryAfterHeader(fault.retryAfter) } };
    case 'status':
      return { status: fault.status, body: fault.body ?? { error: `Injected fault: HTTP ${fault.status}` }, headers: fault.headers };
    case 'echo-body':
      return { status: fault.status ?? 500, body: { error: `Upstream failure while processing the request: ${rawBody}` } };
    default:
      return undefined;
  }
}

function parseJsonBody(rawBody: string, contentType: string | undefined): unknown {
  if (rawBody === '' || contentType?.includes('application/x-www-form-urlencoded')) return undefined;
  try {
    return JSON.parse(rawBody);
  } catch {
    throw new SimulatorHttpError(400, 'The request body is not valid JSON.');
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function encodeResult(result: RouteResult): { headers: Record<string, string>; payload: Buffer } {
  const headers: Record<string, string> = { ...result.headers };
  if (result.status === 204 || result.body === undefined) return { headers, payload: Buffer.alloc(0) };
  const payload = Buffer.from(typeof result.body === 'string' ? result.body : JSON.stringify(result.body), 'utf8');
  headers['Content-Type'] = result.contentType ?? 'application/json';
  headers['Content-Length'] = String(payload.length);
  return { headers, payload };
}

function writeResult(response: ServerResponse, result: RouteResult): void {
  const { headers, payload } = encodeResult(result);
  response.writeHead(result.status, headers);
  response.end(payload);
}

async function writeSlowly(response: ServerResponse, result: RouteResult, chunkDelayMs: number, chunkBytes: number): Promise<void> {
  const { headers, payload } = encodeResult(result);
  response.writeHead(result.status, headers);
  for (let offset = 0; offset < payload.length; offset += chunkBytes) {
    if (response.destroyed) return;
    response.write(payload.subarray(offset, offset + chunkBytes));
    await sleep(chunkDelayMs);
  }
  response.end();
}

// A tiny HTTP client for the simulator's own tests. Every response it receives is checked against
// the OpenAPI excerpt, and so is every JSON request body unless a test sends a wrong one on purpose:
// a contract violation throws, which fails the test.
import { validateAgainstOpenApi } from '../openapi/validate';
import type { RunningSimulator } from './server';

export interface SimulatorResponse {
  status: number;
  headers: Headers;
  body: unknown;
  /** Contract notes, e.g. "status 201 not declared; validated against the `default` response". */
  notes: string[];
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** The test sends a body the excerpt forbids, to see the simulator refuse it. */
  isInvalidRequestOnPurpose?: boolean;
  signal?: AbortSignal;
}

export class ContractViolation extends Error {
  constructor(readonly errors: string[]) {
    super(`OpenAPI contract violated:\n${errors.join('\n')}`);
    this.name = 'ContractViolation';
  }
}

export function simulatorClient(simulator: Pick<RunningSimulator, 'url' | 'authUrl'>) {
  /** POST /oauth2/token: the auth server is not described by the excerpt, so it is not validated. */
  async function exchange(apiToken: string, client = 'platform-api-user:'): Promise<SimulatorResponse> {
    const response = await fetch(`${simulator.authUrl}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(client).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'api_token', api_token: apiToken }).toString(),
    });
    return { status: response.status, headers: response.headers, body: await response.json(), notes: [] };
  }

  async function accessTokenFor(apiToken: string): Promise<string> {
    const exchanged = await exchange(apiToken);
    const body = exchanged.body as { access_token?: string };
    if (exchanged.status !== 200 || !body.access_token) throw new Error(`Token exchange failed with ${exchanged.status}`);
    return body.access_token;
  }

  async function call(method: string, pathOrUrl: string, options: CallOptions = {}): Promise<SimulatorResponse> {
    const url = new URL(pathOrUrl, simulator.url);
    if (options.body !== undefined && !options.isInvalidRequestOnPurpose) {
      const request = validateAgainstOpenApi({ method, path: url.pathname, body: options.body, kind: 'request' });
      if (!request.valid) throw new ContractViolation(request.errors);
    }
    const response = await fetch(url, {
      method,
      headers: {
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    const text = await response.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    const result = validateAgainstOpenApi({ method, path: url.pathname, status: response.status, body, kind: 'response' });
    if (!result.valid) throw new ContractViolation(result.errors);
    if (response.status === 204 && text !== '') throw new ContractViolation([`204 ${method} ${url.pathname} carried a body`]);
    return { status: response.status, headers: response.headers, body, notes: result.notes };
  }

  return { exchange, accessTokenFor, call };
}

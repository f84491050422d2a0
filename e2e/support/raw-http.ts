// A request Playwright's API client will not send: a Host header of our choosing (DNS rebinding,
// a misrouted request) or a body without a Content-Length (chunked). It connects to the configured
// KEYWARDEN_URL's address, like every other test, and only the headers lie.
import { request as httpRequest } from 'node:http';
import type { APIRequestContext } from '@playwright/test';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function rawRequest(
  baseURL: string,
  /** `target`: the request line's target sent as given (`*`, `http://other.example/`), instead of `path`'s. */
  options: { method?: string; path: string; target?: string; headers?: Record<string, string>; body?: string; chunked?: boolean },
): Promise<RawResponse> {
  const url = new URL(options.path, baseURL);
  const headers: Record<string, string> = { host: url.host, ...options.headers };
  if (options.body !== undefined && !options.chunked) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { hostname: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.target ?? `${url.pathname}${url.search}`, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

/** The Cookie header of an API client's session, for a raw request sent on its behalf. */
export async function cookieHeaderOf(client: APIRequestContext): Promise<string> {
  const { cookies } = await client.storageState();
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}

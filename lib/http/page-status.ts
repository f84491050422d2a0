// The HTTP status of a page that answers "not found" or "no access" with its own content.
//
// Why not Next's notFound()/forbidden(): thrown while a page renders, either one makes Next 16 answer
// with an empty HTML shell (`<html id="__next_error__">`) that only its script fills in
// (vercel/next.js#62228), so without JavaScript the page is blank. A page renders its explanation
// instead (components/shell/refusal-pages.tsx) and marks the answer here; the server (lib/cli/start.ts)
// applies the status when the response's head is written, which for a page is after the page has
// rendered (no page streams its shell before its data: there is no loading.tsx).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface PageStatus {
  status: 403 | 404 | null;
}

// One store for the custom server's bundle and Next's server chunks, which each load this module.
const STORE_KEY = Symbol.for('keywarden.page-status');
const holder = globalThis as typeof globalThis & { [STORE_KEY]?: AsyncLocalStorage<PageStatus> };
const storage = (holder[STORE_KEY] ??= new AsyncLocalStorage<PageStatus>());

/**
 * Runs `handle` for one request so that a page rendered within it can set the status of a document
 * answer. Only a document (GET or HEAD without Next's `RSC` header) gets it: Next's client router
 * turns a non-200 answer to its in-app navigation into a full page load, which would then get it.
 */
export function handleWithPageStatus<T>(request: IncomingMessage, response: ServerResponse, handle: () => T): T {
  const state: PageStatus = { status: null };
  const isDocument = (request.method === 'GET' || request.method === 'HEAD') && request.headers.rsc === undefined;
  if (isDocument) {
    const writeHead = response.writeHead.bind(response) as (statusCode: number, ...rest: unknown[]) => ServerResponse;
    // Node writes the head through writeHead(), also implicitly on the first write of the body.
    response.writeHead = ((statusCode: number, ...rest: unknown[]) => writeHead(state.status !== null && statusCode === 200 ? state.status : statusCode, ...rest)) as ServerResponse['writeHead'];
  }
  return storage.run(state, handle);
}

/** Marks the page being rendered as a 403 or 404 answer (see the module's comment). */
export function answerPageWithStatus(status: 403 | 404): void {
  const state = storage.getStore();
  if (state) state.status = status;
}

// Capturing a server action the UI sends, and replaying it from another session. A server action
// is a public POST endpoint (STYLE.md habit 2): what the browser sends can be sent by anyone who
// holds a session, so the role matrix is tested at that level, not only by hidden buttons.
import type { APIRequestContext, Page, Request, Route } from '@playwright/test';

export interface CapturedAction {
  /** The page URL the action was posted to. */
  url: string;
  /** The headers that make the request a server action call (never cookies). */
  headers: Record<string, string>;
  /** The encoded arguments (React's encodeReply of plain objects: a JSON array). */
  body: string;
}

export interface ActionError {
  code: string;
  message: string;
  fieldErrors?: Record<string, string[]>;
}

export type ActionResult<T = unknown> = { ok: true; data: T } | { ok: false; error: ActionError };

const REPLAYED_HEADERS = ['next-action', 'next-router-state-tree', 'content-type', 'accept'];

function isActionCall(request: Request): boolean {
  return request.method() === 'POST' && Boolean(request.headers()['next-action']);
}

function describe(request: Request): CapturedAction {
  const all = request.headers();
  const headers = Object.fromEntries(REPLAYED_HEADERS.filter((name) => all[name]).map((name) => [name, all[name] ?? '']));
  return { url: request.url(), headers, body: request.postData() ?? '' };
}

/**
 * Runs `trigger` (UI steps that end in a server action call) and returns the call. With
 * `block: true` the call never reaches the server: the UI sees a network error and nothing changes.
 */
export async function captureAction(page: Page, trigger: () => Promise<void>, options: { block: boolean }): Promise<CapturedAction> {
  // Resolved from the route handler itself: a `waitForRequest` can resolve before the handler has
  // run, which left the capture empty now and then.
  let captured: CapturedAction | undefined;
  let onCaptured: (action: CapturedAction) => void = () => undefined;
  const capturedCall = new Promise<CapturedAction>((resolve) => (onCaptured = resolve));
  const handler = async (route: Route) => {
    const request = route.request();
    if (!isActionCall(request) || captured) return route.fallback();
    captured = describe(request);
    onCaptured(captured);
    return options.block ? route.abort('failed') : route.fallback();
  };
  await page.route('**/*', handler);
  try {
    await trigger();
    return await capturedCall;
  } finally {
    await page.unroute('**/*', handler);
  }
}

/** The arguments of a captured call, decoded. */
export function argumentsOf(action: CapturedAction): unknown[] {
  const parsed: unknown = JSON.parse(action.body);
  if (!Array.isArray(parsed)) throw new Error(`Unexpected server action body: ${action.body.slice(0, 200)}`);
  return parsed;
}

function isResult(value: unknown): value is ActionResult {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** Extracts the action's return value from a React Flight response (`<row id>:<json>` lines). */
export function parseActionResult(body: string): ActionResult {
  const rows = new Map<string, unknown>();
  for (const line of body.split('\n')) {
    const match = /^([0-9a-f]+):([[{].*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    try {
      rows.set(match[1], JSON.parse(match[2]));
    } catch {
      // A row that is not plain JSON (text or module rows) cannot be the result.
    }
  }
  const root = rows.get('0') as { a?: unknown } | undefined;
  if (root && isResult(root.a)) return root.a;
  if (root && typeof root.a === 'string' && root.a.startsWith('$@')) {
    const referenced = rows.get(root.a.slice(2));
    if (isResult(referenced)) return referenced;
  }
  throw new Error(`No server action result in the response:\n${body.slice(0, 1000)}`);
}

export interface Replay<T> {
  status: number;
  result: ActionResult<T>;
}

/**
 * Sends a captured call again from `request`'s session (its cookies, its client address), with the
 * same action headers and the same Origin as the browser. `args` replaces the encoded arguments.
 */
export async function replayAction<T = unknown>(
  request: APIRequestContext,
  action: CapturedAction,
  options: { args?: unknown[]; url?: string } = {},
): Promise<Replay<T>> {
  const url = options.url ?? action.url;
  const response = await request.post(url, {
    headers: { ...action.headers, origin: new URL(url).origin },
    data: options.args ? JSON.stringify(options.args) : action.body,
    maxRedirects: 0,
  });
  const text = await response.text();
  if (response.status() !== 200) throw new Error(`Replaying ${action.headers['next-action']} answered ${response.status()}: ${text.slice(0, 500)}`);
  return { status: response.status(), result: parseActionResult(text) as ActionResult<T> };
}

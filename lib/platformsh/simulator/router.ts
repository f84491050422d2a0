// A small method + templated-path router. Path parameters are matched on the raw path and then
// URL-decoded, so `variables/env%3AFOO` yields `variableId = "env:FOO"`.
import type { IncomingHttpHeaders } from 'node:http';
import type { SimulatorStore, UserRecord } from './store';

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (undefined when none). */
  body: unknown;
  rawBody: string;
  headers: IncomingHttpHeaders;
  store: SimulatorStore;
  /** The simulator's own base URL, for HAL links. */
  baseUrl: string;
  /** The raw request path, for pagination links. */
  path: string;
}

export interface AuthenticatedContext extends RouteContext {
  caller: UserRecord;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Route =
  | { method: string; path: string; isPublic: true; handle(context: RouteContext): RouteResult }
  | { method: string; path: string; isPublic?: false; handle(context: AuthenticatedContext): RouteResult };

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export type RouteMatch = { route: Route; params: Record<string, string> } | { route: undefined; allowedMethods: string[] };

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const name = /^\{([^}]+)\}$/.exec(segment)?.[1];
          if (!name) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          names.push(name);
          return '([^/]+)';
        })
        .join('/');
      return { route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  match(method: string, rawPath: string): RouteMatch {
    const allowedMethods: string[] = [];
    for (const { route, pattern, names } of this.compiled) {
      const found = pattern.exec(rawPath);
      if (!found) continue;
      if (route.method !== method) {
        allowedMethods.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = safeDecode(found[index + 1] ?? '');
      });
      return { route, params };
    }
    return { route: undefined, allowedMethods };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

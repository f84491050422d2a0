// Every request as the simulator received it, for assertions. It holds token values (API tokens
// in exchange bodies, bearer tokens, pushed variable values): it is the positive control of the
// canary scan, so it lives in memory only and is never written anywhere.
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestLogEntry {
  method: string;
  /** The raw path, still URL-encoded (`/projects/p/environments/main/variables/env%3AFOO`). */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The body exactly as received (empty string when none). */
  body: string;
  receivedAt: Date;
}

export class RequestLog {
  readonly entries: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  /** Entries for one method and a path (exact string or RegExp). */
  find(method: string, path: string | RegExp): RequestLogEntry[] {
    return this.entries.filter((entry) => entry.method === method.toUpperCase() && (typeof path === 'string' ? entry.path === path : path.test(entry.path)));
  }

  clear(): void {
    this.entries.length = 0;
  }
}

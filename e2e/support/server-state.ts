// The state file global set-up writes and everything else reads.
import fs from 'node:fs';
import { paths } from './paths';

export interface ServerState {
  baseUrl: string;
  /** The one-time first-run link the server printed on stdout. */
  setupUrl: string;
  dataDir: string;
  /** Process id of the server (the leader of its own process group). */
  pid: number;
  logFile: string;
}

export function readServerState(): ServerState {
  const file = paths.server();
  if (!fs.existsSync(file)) throw new Error(`No server state at ${file}: did global set-up run?`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ServerState;
}

export function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

export function readJson<T>(file: string, what: string): T {
  if (!fs.existsSync(file)) throw new Error(`${what} is missing (${file}); the set-up projects must run first`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

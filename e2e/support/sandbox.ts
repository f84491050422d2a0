// The sandbox's Platform.sh simulator as a spec reaches it from outside Keywarden: its URL (from the
// line the start command prints) and the dashboard's credential, which the simulator derives from
// the random key in the server's data directory (the fixed demo token of the source is refused).
import fs from 'node:fs';
import path from 'node:path';
import { secretsDirectory } from '@/lib/config/secrets';
import { demoDashboardToken } from '@/lib/platformsh/simulator';
import type { ServerState } from './server-state';

const SIMULATOR_LINE = /Sandbox: the Platform\.sh API simulator answers at (http:\/\/\S+)/;

export function sandboxSimulatorUrl(server: ServerState): string {
  const url = SIMULATOR_LINE.exec(fs.readFileSync(server.logFile, 'utf8'))?.[1];
  if (!url) throw new Error(`The server log ${server.logFile} names no simulator URL: is the server in sandbox mode?`);
  return url;
}

export function sandboxDashboardToken(server: Pick<ServerState, 'dataDir'>): string {
  const key = fs.readFileSync(path.join(secretsDirectory(server), 'sandbox-simulator.key'), 'utf8').trim();
  return demoDashboardToken(key);
}

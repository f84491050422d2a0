// Starting and stopping a Keywarden server process the way an operator does (`npm start`: the custom
// server built ahead of time into .next/keywarden/start.mjs, beside the production build, with the
// environment and Node flags of package.json's start script), for
// global set-up and for specs that need a server of their own (the canary scan runs one in live
// mode against a simulator it controls, and crashes it on purpose).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { npmStartCommand, SERVER_BUNDLE } from '@/lib/cli/start-command';

const POLL_MS = 100;

/** The runner's environment without any Keywarden, Platform.sh or database setting of the developer's. */
export function inheritedEnvironment(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(KEYWARDEN_|PLATFORMSH_|NEXTAUTH_|DATABASE_URL$)/.test(name)));
}

/**
 * The environment of a production server of a spec's own on loopback `port` (its URL
 * http://localhost:port), with `settings` (data directory, first admin, vendor, …) on top.
 */
export function ownServerEnvironment(port: number, settings: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    ...inheritedEnvironment(),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    KEYWARDEN_HOST: '127.0.0.1',
    KEYWARDEN_URL: `http://localhost:${port}`,
    ...settings,
  };
}

export function logTail(file: string): string {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return text.split('\n').slice(-40).join('\n');
}

export interface ServerProcess {
  pid: number;
  /** The exit code once the process ended, else null. */
  exitCode(): number | null;
}

/**
 * Starts the built server as `npm start` does, in its own process group, stdout and stderr appended
 * to `logFile`. The start script's assignments win over `env`, as they do in the shell.
 */
export function spawnServer(root: string, env: NodeJS.ProcessEnv, logFile: string): ServerProcess {
  if (!fs.existsSync(path.join(root, SERVER_BUNDLE))) throw new Error(`No built server (${SERVER_BUNDLE}): run \`npm run build\` first.`);
  const start = npmStartCommand(root);
  const logFd = fs.openSync(logFile, 'a', 0o600);
  // Detached: its own process group, so that stopping it stops everything the server started.
  const child = spawn(process.execPath, [...start.nodeFlags, SERVER_BUNDLE], { cwd: root, env: { ...env, ...start.env }, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  let exitCode: number | null = null;
  child.on('exit', (code, signal) => {
    exitCode = code ?? (signal ? 128 : 1);
  });
  child.unref();
  if (child.pid === undefined) throw new Error('Could not start the server (no process id)');
  return { pid: child.pid, exitCode: () => exitCode };
}

function isGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the server's process group: SIGTERM and a grace period (a clean stop), or SIGKILL at once
 * (`crash: true`, as a power cut or an OOM kill would).
 */
export async function stopServer(pid: number, options: { crash?: boolean; graceMs?: number } = {}): Promise<void> {
  if (!isGroupAlive(pid)) return;
  process.kill(-pid, options.crash ? 'SIGKILL' : 'SIGTERM');
  const deadline = Date.now() + (options.graceMs ?? 10_000);
  while (isGroupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  if (isGroupAlive(pid)) process.kill(-pid, 'SIGKILL');
}

/** Waits until /api/health reports ok (or the process ends, or the time is up). */
export async function waitForHealth(baseUrl: string, server: ServerProcess, logFile: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const exitCode = server.exitCode();
    if (exitCode !== null) throw new Error(`The server exited (code ${exitCode}) before it was ready:\n${logTail(logFile)}`);
    try {
      const response = await fetch(new URL('/api/health', baseUrl));
      const body = (await response.json()) as { status?: string };
      if (response.ok && body.status === 'ok') return;
      last = `${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 5));
  }
  throw new Error(`/api/health did not report ok within ${timeoutMs / 1000}s (last: ${last}):\n${logTail(logFile)}`);
}

/** A loopback port free right now, for a server of a spec's own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

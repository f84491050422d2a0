// Several Keywarden instances on one PostgreSQL behind HAProxy (deploy/haproxy.cfg), for
// e2e/instances.spec.ts: the built server as `npm start` runs it, a real reverse proxy on loopback,
// and plain HTTP from the test (node:http, so that a request sent straight to one instance can carry
// the public Host that HAProxy would pass through).
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { startPostgresServer } from '@/lib/testing/postgres-server';
import { inheritedEnvironment, logTail, spawnServer, stopServer, waitForHealth, type ServerProcess } from './server-process';

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

// ---- HTTP ---------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP request to 127.0.0.1:`port`, with `host` as its Host header (the public one). */
export function send(
  port: number,
  host: string,
  method: string,
  target: string,
  options: { headers?: Record<string, string>; body?: string; agent?: http.Agent; timeoutMs?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method, path: target, agent: options.agent ?? false, headers: { Host: host, ...options.headers }, timeout: options.timeoutMs ?? 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${target}: no answer within ${options.timeoutMs ?? 30_000} ms`)));
    request.on('error', reject);
    request.end(options.body);
  });
}

export function json<T>(answer: Answer): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new Error(`not JSON (${answer.status}): ${answer.body.slice(0, 300)}`);
  }
}

/** `name=value` of each Set-Cookie. */
export function cookiesOf(answer: Answer): string[] {
  return (answer.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]!);
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

/** A fresh database on TEST_DATABASE_URL's server, or on a throw-away server of its own. */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const own = process.env.TEST_DATABASE_URL ? undefined : await startPostgresServer();
  const serverUrl = process.env.TEST_DATABASE_URL ?? own!.url;
  const name = `keywarden_instances_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      own?.stop();
    },
  };
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

// ---- HAProxy ------------------------------------------------------------------------------------

export const HAPROXY_CONFIG = path.join('deploy', 'haproxy.cfg');

/** Debian's haproxy (apt-get install haproxy; .ci/run installs it), found on PATH or in /usr/sbin. */
export function findHaproxy(): string {
  for (const directory of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    const candidate = path.join(directory, 'haproxy');
    if (directory && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('HAProxy is not installed: the multi-instance test runs Keywarden behind it. Install it with `apt-get install haproxy` (.ci/run does).');
}

export interface Proxy {
  port: number;
  /** HAProxy's view of each server: name → status (UP, DOWN, …) and its retry counters. */
  stats(): Promise<Record<string, { status: string; retries: number; redispatches: number; sessions: number }>>;
  stop(): Promise<void>;
}

/** Runs deploy/haproxy.cfg, as is, in the foreground, its variables pointing at loopback. */
export async function startProxy(root: string, dir: string, port: number, instancePorts: number[]): Promise<Proxy> {
  const binary = findHaproxy();
  const socket = path.join(dir, 'haproxy.sock');
  const logFile = path.join(dir, 'haproxy.log');
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(),
    NODE_ENV: 'production',
    KEYWARDEN_PROXY_BIND: `127.0.0.1:${port}`,
    KEYWARDEN_PROXY_SOCKET: socket,
    ...Object.fromEntries(instancePorts.map((instancePort, index) => [`KEYWARDEN_INSTANCE_${index + 1}`, `127.0.0.1:${instancePort}`])),
  };
  const logFd = fs.openSync(logFile, 'a', 0o600);
  const child: ChildProcess = spawn(binary, ['-db', '-f', path.join(root, HAPROXY_CONFIG)], { env, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  let exited = false;
  child.on('exit', () => (exited = true));

  const runtime = (command: string) =>
    new Promise<string>((resolve, reject) => {
      const connection = net.createConnection(socket);
      let output = '';
      connection.on('data', (chunk) => (output += chunk.toString('utf8')));
      connection.on('end', () => resolve(output));
      connection.on('error', reject);
      connection.end(`${command}\n`);
    });
  const stats: Proxy['stats'] = async () => {
    const [header, ...lines] = (await runtime('show stat')).trim().split('\n');
    const columns = (header ?? '').replace(/^# /, '').split(',');
    const at = (fields: string[], name: string) => fields[columns.indexOf(name)] ?? '';
    const servers: Awaited<ReturnType<Proxy['stats']>> = {};
    for (const line of lines) {
      const fields = line.split(',');
      if (at(fields, 'pxname') !== 'keywarden' || ['FRONTEND', 'BACKEND'].includes(at(fields, 'svname'))) continue;
      servers[at(fields, 'svname')] = { status: at(fields, 'status'), retries: Number(at(fields, 'wretr') || 0), redispatches: Number(at(fields, 'wredis') || 0), sessions: Number(at(fields, 'stot') || 0) };
    }
    return servers;
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error(`HAProxy exited at start:\n${logTail(logFile)}`);
    if (await stats().then(() => true, () => false)) break;
    if (Date.now() > deadline) throw new Error(`HAProxy did not open its runtime socket within 10 s:\n${logTail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    stats,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      while (!exited) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

// ---- Keywarden instances ------------------------------------------------------------------------

/** What every instance shares (README, "Several instances behind a load balancer"). */
export function sharedSettings(): Record<string, string> {
  const secret = () => randomBytes(48).toString('base64url');
  return {
    KEYWARDEN_SESSION_SECRET: secret(),
    KEYWARDEN_FINGERPRINT_KEY: secret(),
    KEYWARDEN_AUDIT_KEY: secret(),
    KEYWARDEN_API_KEY_SECRET: secret(),
    KEYWARDEN_EVIDENCE_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

export class Instance {
  server: ServerProcess | undefined;
  readonly logFile: string;
  readonly dataDir: string;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly root: string,
    dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.dataDir = path.join(dir, name);
    this.logFile = path.join(dir, `${name}.log`);
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
  }

  /** Starts the built server and waits for its health check. */
  async start(): Promise<void> {
    this.server = spawnServer(this.root, { ...this.env, PORT: String(this.port), KEYWARDEN_DATA_DIR: this.dataDir }, this.logFile);
    await waitForHealth(`http://127.0.0.1:${this.port}`, this.server, this.logFile);
  }

  /** SIGTERM and wait (a planned stop), or SIGKILL (`crash`: as an OOM kill or a power cut would). */
  async stop(options: { crash?: boolean } = {}): Promise<void> {
    if (this.server) await stopServer(this.server.pid, options);
    this.server = undefined;
  }

  log(): string {
    return logTail(this.logFile);
  }
}

// `npm run bench -- --part server`: the production server as an operator starts it, measured from
// outside. Start-up (spawn → first 200 from /api/health), resident memory idle, then signed-in users
// browsing seven dashboard pages (autocannon, loopback) with latency, throughput and peak memory.
// `--server bundle` (the default) runs what `npm start` runs: the custom server built ahead of time
// by `npm run build` into .next/keywarden/start.mjs, plain JavaScript. `--server tsx` runs
// lib/cli/start.ts through tsx, the way `npm start` did before issue 19, for a before/after.
// `--cpu-profile DIR` runs the server under `node --cpu-prof` and prints where its CPU time went.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

export interface ServerBenchOptions {
  server: 'bundle' | 'tsx';
  database: 'pglite' | 'postgresql';
  users: number;
  duration: number;
  cpuProfile?: string;
}

export const SERVER_BUNDLE = '.next/keywarden/start.mjs';

/** Seven pages an admin browses, in the order each simulated user cycles through them. */
const DASHBOARD_PAGES = ['/', '/projects', '/machine-users', '/tokens', '/audit', '/users', '/review/inventory'];
const ADMIN = { email: 'bench-admin@keywarden.example.com', password: 'bench-admin-password-1' };
const IDLE_SETTLE_MS = 5_000;

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resident memory and CPU time (user + system) of every process in the group: tsx runs the server
 * in a child of its own. CPU time does not depend on what else the machine runs, wall time does.
 */
function groupUsage(groupId: number): { rss: number; cpuMs: number } {
  let rss = 0;
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state, ppid, pgrp, … utime, stime.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== groupId) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      const kilobytes = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      rss += Number(kilobytes ?? 0) * 1024;
    } catch {
      // The process ended while we looked.
    }
  }
  // Linux reports CPU time in clock ticks of 1/100 s.
  return { rss, cpuMs: ticks * 10 };
}

/** A fresh database on the server named by TEST_DATABASE_URL, dropped by the returned function. */
async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('--database postgresql needs TEST_DATABASE_URL (or run through `npx tsx lib/cli/with-postgres.ts npm run bench -- …`)');
  const name = `keywarden_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Signs the admin in through next-auth's credentials flow; returns the Cookie header of the session. */
async function signIn(baseUrl: string, clientAddress: string): Promise<string> {
  const headers = { 'X-Forwarded-For': clientAddress, Origin: baseUrl };
  const csrfResponse = await fetch(new URL('/api/auth/csrf', baseUrl), { headers });
  const csrfCookies = csrfResponse.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const response = await fetch(new URL('/api/auth/callback/credentials', baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, Cookie: csrfCookies.join('; '), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, callbackUrl: `${baseUrl}/`, json: 'true' }),
  });
  const session = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).find((cookie) => cookie?.startsWith('keywarden.session'));
  if (!session) throw new Error(`sign-in failed (${response.status}): ${await response.text()}`);
  return session;
}

/** Self time of a V8 CPU profile by where the code lives: a package, the app's chunks, the runtime. */
export function summariseProfile(file: string): void {
  interface ProfileNode {
    id: number;
    callFrame: { functionName: string; url: string };
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node) return;
    const { url, functionName } = node.callFrame;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const place = pkg
      ? pkg === 'next' && /\.next\/|next\/dist\/compiled\/(react|next-server)/.test(url)
        ? `next (${/compiled\/([^/]+)/.exec(url)?.[1] ?? 'server'})`
        : pkg
      : url.includes('/.next/server/')
        ? 'app (.next/server chunks)'
        : url.includes('.next/keywarden/')
          ? 'custom server (simulator, gate)'
          : url.startsWith('wasm://')
            ? '@electric-sql/pglite (WASM)'
            : /\/lib\/platformsh\/simulator\//.test(url)
              ? 'keywarden: the simulator'
              : /\/lib\/platformsh\//.test(url)
                ? 'keywarden: the Platform.sh client'
                : /\/lib\/(domain|db)\//.test(url)
                  ? 'keywarden: domain and db'
                  : url.startsWith('node:')
            ? 'node core'
            : functionName.startsWith('(')
              ? functionName
              : url || '(native)';
    byPlace.set(place, (byPlace.get(place) ?? 0) + delta);
    if (functionName !== '(idle)') {
      const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/\.next\//, '.next/')}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + delta);
    }
    total += delta;
  });
  const idle = byPlace.get('(idle)') ?? 0;
  console.log(`  CPU profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy; self time by place:`);
  for (const [place, micros] of [...byPlace].filter(([place]) => place !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 14)) {
    console.log(`    ${((micros / (total - idle)) * 100).toFixed(1).padStart(5)} %  ${place}`);
  }
  console.log('  hottest functions (self time):');
  for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`    ${((micros / (total - idle)) * 100).toFixed(1).padStart(5)} %  ${name.slice(0, 140)}`);
  }
}

interface RunningServer {
  groupId: number;
  exited: () => boolean;
  /** Start-up: wall time and the server's CPU time from spawn to the first 200 from /api/health. */
  startupMs: number;
  startupCpuMs: number;
  stop: () => Promise<void>;
}

async function launch(command: string, args: string[], env: NodeJS.ProcessEnv, baseUrl: string, logFile: string): Promise<RunningServer> {
  const logFd = fs.openSync(logFile, 'a', 0o600);
  const started = performance.now();
  // Its own process group: stopping it stops whatever it started (tsx runs node as a child).
  const child = spawn(command, args, { cwd: process.cwd(), env, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const groupId = child.pid!;
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    process.kill(-groupId, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!exited) process.kill(-groupId, 'SIGKILL');
    while (!exited) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  try {
    for (;;) {
      if (exited) throw new Error(`the server exited before it answered:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
      if (performance.now() - started > 180_000) throw new Error('the server did not answer /api/health within 180 s');
      const ok = await fetch(new URL('/api/health', baseUrl)).then((response) => response.status === 200, () => false);
      if (ok) return { groupId, exited: () => exited, startupMs: performance.now() - started, startupCpuMs: groupUsage(groupId).cpuMs, stop };
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function benchServer(options: ServerBenchOptions): Promise<void> {
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID')) || (options.server === 'bundle' && !fs.existsSync(path.join(root, SERVER_BUNDLE)))) {
    throw new Error('No production build: run `npm run build` first.');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-bench-server-'));
  const database = options.database === 'postgresql' ? await freshPostgresDatabase() : undefined;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(KEYWARDEN_|PLATFORMSH_|NEXTAUTH_|DATABASE_URL$)/.test(name))),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    KEYWARDEN_HOST: '127.0.0.1',
    KEYWARDEN_URL: baseUrl,
    KEYWARDEN_DATA_DIR: dataDir,
    // Each simulated user signs in from its own address (sign-in throttling is per address).
    KEYWARDEN_TRUSTED_PROXY_HOPS: '1',
    KEYWARDEN_ADMIN_EMAIL: ADMIN.email,
    KEYWARDEN_ADMIN_PASSWORD: ADMIN.password,
    // Signed in by password alone: the bench measures pages, not the second step.
    KEYWARDEN_ADMIN_SECOND_FACTOR: 'nobody',
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  const profileFlags = options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfile)}`] : [];
  const [command, args] =
    options.server === 'bundle'
      ? [process.execPath, [...profileFlags, SERVER_BUNDLE]]
      : [path.join(root, 'node_modules', '.bin', 'tsx'), ['lib/cli/start.ts']];
  const logFile = path.join(dataDir, 'server.log');
  const second = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`Server (${options.server === 'bundle' ? `node ${SERVER_BUNDLE}` : 'tsx lib/cli/start.ts'}, ${options.database}):`);
  let server: RunningServer | undefined;
  try {
    // The first start creates the database (migrations) and the first admin; a restart finds both.
    for (const start of ['first start', 'restart'] as const) {
      server = await launch(command, args, env, baseUrl, logFile);
      await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
      console.log(
        `  ${start.padEnd(11)}: first 200 from /api/health after ${second(server.startupMs)} (server CPU ${second(server.startupCpuMs)}); ` +
          `resident memory idle ${mb(groupUsage(server.groupId).rss)}`,
      );
      if (start === 'first start') await server.stop();
    }
    const { groupId } = server!;
    const idle = groupUsage(groupId);

    const cookies: string[] = [];
    for (let user = 0; user < options.users; user += 1) cookies.push(await signIn(baseUrl, `10.77.${Math.floor(user / 250)}.${(user % 250) + 1}`));
    // Each connection is one user: its own session and client address, cycling through the pages.
    let nextUser = 0;
    const requests = DASHBOARD_PAGES.map((page) => ({
      method: 'GET' as const,
      path: page,
      setupRequest: (request: autocannon.Request, context: object) => {
        const connection = context as { user?: number };
        connection.user ??= nextUser++ % options.users;
        const user = connection.user;
        return { ...request, headers: { ...request.headers, cookie: cookies[user]!, 'x-forwarded-for': `10.77.${Math.floor(user / 250)}.${(user % 250) + 1}` } };
      },
    }));
    let peakRss = idle.rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, groupUsage(groupId).rss)), 250);
    const before = groupUsage(groupId);
    const result = await autocannon({ url: baseUrl, connections: options.users, duration: options.duration, requests });
    clearInterval(sampler);
    const after = groupUsage(groupId);
    const { latency } = result;
    console.log(
      `  ${options.users} signed-in users × ${DASHBOARD_PAGES.length} pages for ${options.duration} s: ${result.requests.total} requests ` +
        `(${result.requests.average.toFixed(1)}/s), ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts; ` +
        `latency p50 ${latency.p50} ms, p90 ${latency.p90} ms, p97.5 ${latency.p97_5} ms, p99 ${latency.p99} ms; ` +
        `server CPU ${((after.cpuMs - before.cpuMs) / Math.max(1, result.requests.total)).toFixed(1)} ms per request; ` +
        `resident memory peak ${mb(peakRss)}, after ${mb(after.rss)}`,
    );
  } finally {
    await server?.stop();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (options.cpuProfile) {
    const newest = fs
      .readdirSync(options.cpuProfile)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => path.join(options.cpuProfile!, name))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    if (newest) summariseProfile(newest);
  }
}

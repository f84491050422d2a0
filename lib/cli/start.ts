// `npm start` (and `npm run dev`): validates the configuration, prepares the data directory,
// applies migrations, provisions the first admin or prints the one-time set-up URL, then serves
// Keywarden with Next.js. A custom server so that the client address is taken from the socket, not
// from a header any client can send (see lib/security/client-address.ts), and so that every
// request (`_next/static` too) passes the Host and body checks of lib/security/request-gate.ts.
import { createServer } from 'node:http';
import { createServer as createProbeServer } from 'node:net';
import next from 'next';
import { ConfigError, getConfig, libraryEnvironment, type Config } from '@/lib/config';
import { ensureSandboxSimulatorKey, ensureSecrets } from '@/lib/config/secrets';
import { openDatabase, shareEmbeddedDatabase } from '@/lib/db/client';
import { migrateConfiguredDatabase } from '@/lib/db/startup';
import { bootstrap } from '@/lib/domain/bootstrap';
import { stopBackgroundJobs } from '@/lib/jobs/running';
import { handleWithPageStatus } from '@/lib/http/page-status';
import { logger } from '@/lib/logger';
import { setSandboxEndpoint } from '@/lib/platformsh/sandbox-endpoint';
import { startSimulator } from '@/lib/platformsh/simulator';
import { vendorProfile } from '@/lib/vendor';
import { reviewDemoTokens } from '@/lib/platformsh/simulator/review-demo';
import { releaseAbortReasonFrames } from '@/lib/runtime/abort-reason-frames';
import { rewriteForwardedFor } from '@/lib/security/client-address';
import { knownSecrets, redactText, registerSecret } from '@/lib/security/redact';
import { gateRequests } from '@/lib/security/request-gate';

const isDev = process.argv.includes('--dev');

function loadConfig(): Config {
  try {
    return getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Stops start-up over a setting that is well-formed but unusable here (a data directory it cannot
 * write, a database it cannot reach, a port in use): one line naming the variable, like a malformed
 * value's, no stack trace — the code is not at fault.
 */
function refuseToStart(problem: string): never {
  console.error(redactText(`Keywarden cannot start: ${problem}`, knownSecrets()));
  process.exit(1);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').map((line) => line.trim()).find(Boolean) ?? 'unknown error';
}

function listenProblem(config: Config, error: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    EADDRINUSE: 'the port is in use',
    EACCES: 'permission denied (ports below 1024 need privileges)',
    EADDRNOTAVAIL: 'no such address on this machine',
    ENOTFOUND: 'the host name does not resolve',
  };
  const reason = (error.code && reasons[error.code]) ?? firstLine(error);
  return `cannot listen on KEYWARDEN_HOST ${config.host}, PORT ${config.port}: ${reason}${error.code ? ` (${error.code})` : ''}`;
}

/** Binds the address once and lets go, so that a port in use is said before the slow work (migrations, Next.js). */
async function checkCanListen(config: Config): Promise<void> {
  const probe = createProbeServer();
  await new Promise<void>((resolve) => {
    probe.once('error', (error: NodeJS.ErrnoException) => refuseToStart(listenProblem(config, error)));
    probe.listen(config.port, config.host, () => probe.close(() => resolve()));
  });
}

/** Where the configured database is, as the variable that names it (never a password). */
function databaseSetting(database: Config['database']): string {
  if (database.kind === 'pglite') return `the embedded database in KEYWARDEN_DATA_DIR (${database.directory})`;
  const variables = database.migrationUrl ? 'DATABASE_URL / KEYWARDEN_MIGRATION_DATABASE_URL' : 'DATABASE_URL';
  return `the database of ${variables} (${new URL(database.url).host})`;
}

/** How long an idle keep-alive connection is kept (see the server below). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

async function main(): Promise<void> {
  // Before anything renders: otherwise a saturated server keeps its finished requests (see there).
  releaseAbortReasonFrames();
  const config = loadConfig();
  await checkCanListen(config);
  try {
    ensureSecrets(config);
  } catch (error) {
    refuseToStart(`KEYWARDEN_DATA_DIR (${config.dataDir}) is not usable: ${firstLine(error)}`);
  }
  Object.assign(process.env, libraryEnvironment(config));

  // The embedded database is opened once: migrated, bootstrapped, then handed to the app (Next.js)
  // as the process's one PGlite (see shareEmbeddedDatabase). PostgreSQL: bootstrap on a client of
  // its own, closed before the app opens its pool.
  let handle: ReturnType<typeof openDatabase>;
  try {
    handle = openDatabase(config.database);
  } catch (error) {
    refuseToStart(`${databaseSetting(config.database)} cannot be used: ${firstLine(error)}`);
  }
  const applied = await migrateConfiguredDatabase(config, handle.pglite).catch((error: unknown) =>
    refuseToStart(`${databaseSetting(config.database)} cannot be used: ${firstLine(error)}`),
  );
  if (applied.length) logger.info('migrations applied', { applied });
  const firstRun = await bootstrap(handle.db, config);
  if (handle.pglite && config.database.kind === 'pglite') {
    await handle.db.$disconnect();
    shareEmbeddedDatabase(config.database.directory, handle.pglite);
  } else {
    await handle.close();
  }

  // Sandbox mode: the bundled simulator of the Platform.sh API, with the demo organisation, runs in
  // this process and the app's client points at it. Its credentials derive from a random key in the
  // data directory: the fixed demo tokens in the source are refused (issue 21).
  const credentialKey = config.platformsh.mode === 'sandbox' ? ensureSandboxSimulatorKey(config) : undefined;
  const simulator = credentialKey !== undefined ? await startSimulator({ seed: 'demo', credentialKey, reviewDemo: true, vendor: config.platformsh.vendor }) : undefined;
  if (simulator?.demo) {
    [simulator.demo.dashboardToken, ...simulator.demo.humans.map((human) => human.apiToken)].forEach(registerSecret);
    Object.values(reviewDemoTokens(credentialKey)).forEach((token) => registerSecret(token.value));
    setSandboxEndpoint({
      apiUrl: new URL(simulator.url),
      authUrl: new URL(simulator.authUrl),
      apiToken: simulator.demo.dashboardToken,
    });
  }

  const app = next({ dev: isDev, dir: process.cwd(), hostname: config.host, port: config.port });
  await app.prepare();
  const handleRequest = gateRequests(app.getRequestHandler(), config.publicUrl);
  const server = createServer((request, response) => {
    request.headers['x-forwarded-for'] = rewriteForwardedFor(
      request.headers['x-forwarded-for'],
      request.socket.remoteAddress,
      config.trustedProxyHops,
    );
    void handleWithPageStatus(request, response, () => handleRequest(request, response));
  });
  // Idle keep-alive connections stay open longer than a load balancer's or client's own idle timeout
  // (60 s is common): with Node's 5 s default, a client reusing a connection just as the server
  // closes it gets a reset — seen as ECONNRESET in the suite, and as 502s behind a proxy.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  server.on('error', (error: NodeJS.ErrnoException) => refuseToStart(listenProblem(config, error)));
  server.listen(config.port, config.host, () => {
    const lines = [
      `Keywarden ${config.version} is running at ${config.publicUrl.origin} (${config.database.kind}, ${config.platformsh.mode} mode)`,
    ];
    if (simulator) lines.push(`Sandbox: the ${vendorProfile(simulator.vendor).productName} API simulator answers at ${simulator.url}`);
    if (firstRun.kind === 'setup') {
      lines.push(
        '',
        'First run: no admin exists yet. Open this one-time link within 1 hour to create the first admin:',
        `  ${firstRun.url}`,
        'Restart Keywarden to print a new link.',
      );
    }
    if (firstRun.kind === 'provisioned') lines.push(`First admin provisioned from KEYWARDEN_ADMIN_EMAIL: ${firstRun.email}`);
    console.log(lines.join('\n'));
  });

  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    // New connections are refused at once (a load balancer retries them on another instance); the
    // requests in flight finish.
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Background jobs running here get a moment to finish, then are failed, so that the queue
    // retries them on another instance at once, rather than when the job's lease (the sync's) or
    // expiry lapses (lib/jobs/definitions.ts).
    const jobsStopped = stopBackgroundJobs().catch((error: unknown) => logger.warn('the job queue did not stop cleanly', { error }));
    void Promise.all([serverClosed, jobsStopped])
      .then(() => simulator?.stop())
      .then(() => handle.pglite?.close())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  logger.error('Keywarden failed to start', { error });
  process.exit(1);
});

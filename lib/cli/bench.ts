// `npm run bench [-- --part inventory|push|lists|inventory-page|findings|audit|server|all] [--projects 2000] [--environments 5] [--latency 50]
//   [--rate 500] [--slow-rate 20] [--concurrency 16] [--database pglite|postgresql] [--machine-users 5000] [--audit-rows 100000]
//   [--server bundle|tsx] [--users 20] [--duration 60] [--think-ms 1000] [--think-spread 0.5] [--sweep 20,50,100,200] [--sweep-duration 30]
//   [--cpu-profile DIR] [--report FILE]`
// Prints figures; asserts nothing (speed goals are measured here, never in a timed test). The
// headline figures also go into a JSON report (--report, default .data/bench-report.json: the
// machine, the versions, the sizes, each figure with its target) and a readable table at the end.
//
// Lists: every list page and API list (50 rows) over one database holding --machine-users machine
// users, four tokens each and --audit-rows audit rows: p50/p95 server time (the domain query and
// its mapping, which is what a page or API handler spends besides rendering), target p95 ≤ 100 ms.
//
// Inventory: a full sync of a generated organisation through the simulator over real HTTP, with a
// per-request latency and a server-side rate limit, the client paced to that limit; then an
// incremental re-sync. The lower bound is requests ÷ rate: no client can finish sooner.
//
// Inventory page: the reviewer's Inventory (issue 15 §1) over --machine-users machine users with four
// tokens each (5,000 × 4 = 20,000 by default), written straight into the tables: p50/p95 server time
// of the page's queries for a few filters and sorts, and the export's rate (rows per second, CSV).
//
// Findings: the same organisation as the Inventory page's (5,000 machine users, 20,000 tokens), plus
// four findings' worth of history per machine user over the last 120 days: the time of a full
// recomputation of the findings (the first, which opens them all, then one with nothing to change),
// and p50/p95 server time of the Findings view's list (first page, a filtered page) and of its
// findings-by-severity-over-time query.
//
// Audit: a chained log of --audit-rows rows (seeded in bulk, with checkpoints), then the time of
// the chain's verification, of the Audit page's queries and of a full streamed export.
//
// Server: the production server in its own process (lib/cli/bench-server.ts): start-up time,
// resident memory idle and under signed-in users browsing dashboard pages (with a think time, and
// saturated with none), page latency, and a sweep of browsing users for where the server bends.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from "node:util";
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { AUDIT_ACTIONS } from '@/lib/audit/actions';
import { chainMac, CHAIN_GENESIS, checkpointSignature, CHECKPOINT_INTERVAL, useAuditChainKey as setAuditChainKey, verifyAuditChain, type ChainedFields } from '@/lib/audit/chain';
import { auditExportStream, pollAuditLog } from '@/lib/domain/audit-export';
import { listAuditEvents } from '@/lib/domain/audit-log';
import { recomputeFindings } from '@/lib/domain/findings/engine';
import { getFindingsHistory } from '@/lib/domain/findings/history';
import { listFindings } from '@/lib/domain/findings/queries';
import { listProjects, PROJECTS_PAGE_SIZE } from '@/lib/domain/inventory/projects';
import { INVENTORY_PAGE_SIZE, listInventory, openInventoryExport } from '@/lib/domain/review/inventory';
import { exportChunks } from '@/lib/domain/review/inventory-export';
import { beginSyncRun, executeSyncRun } from '@/lib/domain/inventory/sync';
import { listMachineUsers, MACHINE_USERS_PAGE_SIZE } from '@/lib/domain/machine-users/queries';
import { listOnboardingBacklog, OVERVIEW_PAGE_SIZE } from '@/lib/domain/onboarding/checklist';
import { listTokens } from '@/lib/domain/tokens/queries';
import { recordAndPushToken } from '@/lib/domain/tokens/push';
import { getConfig } from '@/lib/config';
import { createPlatformshClient } from '@/lib/platformsh';
import { DEMO_DASHBOARD_API_TOKEN, startSimulator } from '@/lib/platformsh/simulator';
// Not a React hook, despite its name: it points the application's database handle at a database.
import { useDatabaseForTests as setApplicationDatabase } from '@/lib/db';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/database';
import { benchServer, percentile, summariseProfile } from '@/lib/cli/bench-server';
import { Session } from 'node:inspector/promises';
import { contextFor, createUser } from '@/lib/testing/fixtures';

const argumentsSchema = z.object({
  part: z.enum(['inventory', 'push', 'lists', 'inventory-page', 'findings', 'audit', 'server', 'all']).default('all'),
  projects: z.coerce.number().int().min(1).max(20_000).default(2000),
  environments: z.coerce.number().int().min(1).max(50).default(5),
  latency: z.coerce.number().int().min(0).max(5000).default(50),
  rate: z.coerce.number().min(1).max(10_000).default(500),
  // The incremental sync again at the app's default rate limit (PLATFORMSH_API_RATE_LIMIT); 0 skips it.
  'slow-rate': z.coerce.number().min(0).max(10_000).default(20),
  concurrency: z.coerce.number().int().min(1).max(256).default(16),
  'audit-rows': z.coerce.number().int().min(1000).max(5_000_000).default(100_000),
  database: z.enum(['pglite', 'postgresql']).default('pglite'),
  'machine-users': z.coerce.number().int().min(1).max(50_000).default(5000),
  server: z.enum(['bundle', 'tsx']).default('bundle'),
  users: z.coerce.number().int().min(1).max(1000).default(20),
  duration: z.coerce.number().int().min(1).max(600).default(60),
  'think-ms': z.coerce.number().int().min(0).max(60_000).default(1000),
  'think-spread': z.coerce.number().min(0).max(1).default(0.5),
  sweep: z
    .string()
    .regex(/^(\d+(,\d+)*)?$/, 'a comma-separated list of user counts, or empty for none')
    .default('20,50,100,200')
    .transform((list) => list.split(',').filter(Boolean).map(Number)),
  'sweep-duration': z.coerce.number().int().min(1).max(600).default(30),
  'cpu-profile': z.string().optional(),
  report: z.string().default('.data/bench-report.json'),
});
type BenchArguments = z.infer<typeof argumentsSchema>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One headline figure of the JSON report and the closing table. */
interface Figure {
  part: string;
  measure: string;
  value: number;
  unit: 'ms' | 's' | 'requests' | 'requests/project' | 'ratio' | 'MB' | 'requests/s' | 'users';
  /** The issue's target, when there is one, and whether this run met it. */
  target?: { text: string; met: boolean };
  detail?: string;
}
const figures: Figure[] = [];
const record = (figure: Figure) => figures.push(figure);

/** Writes the JSON report and prints the table of headline figures. */
async function writeReport(options: BenchArguments, started: Date): Promise<void> {
  const packageJson = JSON.parse(await readFile('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const versions = Object.fromEntries(['next', 'react', '@prisma/client', '@electric-sql/pglite', 'pg', 'cockatiel', 'p-limit'].map((name) => [name, packageJson.dependencies[name] ?? null]));
  const report = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg(), platform: `${os.type()} ${os.release()}`, node: process.version },
    versions,
    options,
    figures,
  };
  await mkdir(path.dirname(options.report), { recursive: true });
  await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
  if (figures.length === 0) return;
  const rows = figures.map((figure) => [
    figure.part,
    figure.measure,
    `${Number.isInteger(figure.value) ? figure.value : figure.value.toFixed(2)} ${figure.unit}`,
    figure.target ? `${figure.target.text} ${figure.target.met ? 'met' : 'MISSED'}` : '',
  ]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length), ['Part', 'Measure', 'Value', 'Target'][column]!.length));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\nFigures (${os.cpus().length} × ${report.machine.cpuModel}, Node ${process.version}; report: ${options.report})`);
  console.log(line(['Part', 'Measure', 'Value', 'Target']));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

/**
 * Runs `work` under the CPU profiler when --cpu-profile DIR is given: writes DIR/<name>.cpuprofile
 * (open it in Chrome's DevTools) and prints where the CPU went, by place (PGlite, Prisma, the
 * simulator, the client, node core…). The simulator runs in this process: its share is not Keywarden's.
 */
async function profiled<T>(options: BenchArguments, name: string, work: () => Promise<T>): Promise<T> {
  const directory = options['cpu-profile'];
  if (!directory) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await mkdir(directory, { recursive: true });
    const file = path.join(directory, `${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    summariseProfile(file);
  }
}

async function benchInventory(options: BenchArguments): Promise<void> {
  const simulator = await startSimulator({
    faults: true,
    seed: { large: { projects: options.projects, environmentsPerProject: options.environments } },
  });
  const database = await createTestDatabase(options.database);
  try {
    simulator.faults.add({ kind: 'latency', ms: options.latency, path: '/**' });
    const clientAt = (rate: number) =>
      createPlatformshClient({ apiUrl: simulator.url, authUrl: simulator.authUrl, apiToken: DEMO_DASHBOARD_API_TOKEN, requestsPerSecond: rate });
    console.log(
      `Inventory sync: ${options.projects} projects × ${options.environments} environments, ${options.latency} ms latency, ` +
        `rate limit ${options.rate} requests/s, ${options.concurrency} projects in flight, ${options.database}`,
    );
    const runs = [
      { label: 'full', full: true, rate: options.rate },
      { label: 'incremental', full: false, rate: options.rate },
      // The incremental again at the app's default rate limit: what a scheduled run costs in practice.
      ...(options['slow-rate'] > 0 ? [{ label: `incremental at ${options['slow-rate']}/s`, full: false, rate: options['slow-rate'] }] : []),
    ];
    for (const { label, full, rate } of runs) {
      simulator.faults.setRateLimit({ requestsPerSecond: rate });
      const client = clientAt(rate);
      const runId = await database.db.$transaction((tx) => beginSyncRun(tx, { trigger: 'manual', full }));
      if (!runId) throw new Error('another sync run is live');
      const requestsBefore = simulator.requestLog.entries.length;
      const started = performance.now();
      const outcome = await profiled(options, `inventory ${label}`, () => executeSyncRun(database.db, client, runId, { concurrency: options.concurrency }));
      const elapsed = performance.now() - started;
      client.dispose();
      const requests = simulator.requestLog.entries.length - requestsBefore;
      const lowerBound = (requests / rate) * 1000;
      const environments = await database.db.environment.count();
      const perProject = requests / options.projects;
      console.log(
        `  ${label.padEnd(18)}: ${outcome.status}, ${outcome.projectsTotal} projects (${outcome.projectsFailed} failed), ` +
          `${environments} environments, ${requests} requests (${perProject.toFixed(2)} per project) in ${seconds(elapsed)}; ` +
          `rate-limit lower bound ${seconds(lowerBound)}, ratio ${(elapsed / lowerBound).toFixed(2)}`,
      );
      const sizes = `${options.projects} projects × ${options.environments} environments, ${options.latency} ms latency, ${rate} requests/s, ${options.database}`;
      const ratio = elapsed / lowerBound;
      record({ part: 'inventory', measure: `${label} sync, time`, value: elapsed / 1000, unit: 's', detail: sizes });
      record({ part: 'inventory', measure: `${label} sync, ratio to requests ÷ rate`, value: ratio, unit: 'ratio', target: { text: '≤ 1.3', met: ratio <= 1.3 }, detail: sizes });
      record({ part: 'inventory', measure: `${label} sync, requests per project`, value: Number(perProject.toFixed(2)), unit: 'requests/project', detail: `${requests} requests` });
    }
    await benchListPages(database, options.projects);
  } finally {
    await database.destroy();
    await simulator.stop();
  }
}

/**
 * The pages over the synced organisation: the Overview's onboarding backlog (judged, filtered and
 * paged in SQL) and the Projects list, first and last page; the median of five reads each.
 */
async function benchListPages(database: TestDatabase, projects: number): Promise<void> {
  setApplicationDatabase(database);
  const admin = contextFor(await createUser(database.db, { role: 'admin' }));
  const median = async (read: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      await read();
      times.push(performance.now() - started);
    }
    return `${times.sort((a, b) => a - b)[2]!.toFixed(0)} ms`;
  };
  const lastBacklogPage = Math.ceil(((await listOnboardingBacklog(admin, 1))?.total ?? 0) / OVERVIEW_PAGE_SIZE) || 1;
  const lastProjectsPage = Math.ceil(projects / PROJECTS_PAGE_SIZE) || 1;
  console.log(`Pages over ${projects} projects (${database.kind}), median of 5:`);
  console.log(`  Overview backlog: page 1 ${await median(() => listOnboardingBacklog(admin, 1))}, page ${lastBacklogPage} ${await median(() => listOnboardingBacklog(admin, lastBacklogPage))}`);
  console.log(
    `  Projects list: page 1 ${await median(() => listProjects(admin, {}))}, page ${lastProjectsPage} by title ${await median(() => listProjects(admin, { page: String(lastProjectsPage), sort: 'title' }))}, ` +
      `search ${await median(() => listProjects(admin, { q: '0042' }))}`,
  );
}

/**
 * Push: one token to 50 environments with 100 ms of latency on every request, at the default
 * concurrency (unpaced, then paced to the default rate limit as the app runs) and sequentially. Each
 * environment costs a read (R8's check) and a write; see the bounds below.
 */
async function benchPush(options: BenchArguments): Promise<void> {
  const environments = 50;
  const latencyMs = 100;
  const projectId = 'benchpush0000';
  const simulator = await startSimulator({
    faults: true,
    seed: (store) => {
      const owner = store.addUser({ username: 'owner', email: 'owner@bench.example.com' });
      const organization = store.addOrganization({ id: '01JBENCHPUSH000000000000000', name: 'bench', label: 'Bench', ownerId: owner.id, createdAt: '2024-01-01T00:00:00Z' });
      const dashboard = store.addUser({ username: 'keywarden', email: 'keywarden@bench.example.com' });
      store.addOrganizationMember(organization.id, dashboard.id, true);
      store.issueApiToken(dashboard.id, 'dashboard', { value: DEMO_DASHBOARD_API_TOKEN });
      store.addProject({ id: projectId, organizationId: organization.id, title: 'Bench', region: 'eu-3.platform.sh', createdAt: '2024-01-01T00:00:00Z' });
      for (let index = 0; index < environments; index += 1) {
        store.addEnvironment(projectId, { id: index === 0 ? 'main' : `env-${index}`, title: `Env ${index}`, type: index === 0 ? 'production' : 'development', createdAt: '2024-01-01T00:00:00Z' });
      }
    },
  });
  const database = await createTestDatabase(options.database);
  // The token actions read the application's database handle: point it at this one.
  setApplicationDatabase(database);
  try {
    const unpaced = createPlatformshClient({ apiUrl: simulator.url, authUrl: simulator.authUrl, apiToken: DEMO_DASHBOARD_API_TOKEN });
    const runId = await database.db.$transaction((tx) => beginSyncRun(tx, { trigger: 'manual', full: true }));
    await executeSyncRun(database.db, unpaced, runId!);
    unpaced.dispose();
    simulator.faults.add({ kind: 'latency', ms: latencyMs, path: '/**' });
    // PLATFORMSH_PUSH_CONCURRENCY and PLATFORMSH_API_RATE_LIMIT, as the app reads them (4 and 20/s when unset).
    const { pushConcurrency: configured, requestsPerSecond: defaultRate } = getConfig().platformsh;
    console.log(`Push: one token to ${environments} environments, ${latencyMs} ms latency per request, ${options.database}`);
    const runs = [
      // Unpaced: the bound is the latency's, and any time over it is Keywarden's own.
      { label: 'concurrent', concurrency: configured, rate: undefined },
      // As the app runs it: its clients paced to the default rate limit.
      { label: `concurrent at ${defaultRate}/s`, concurrency: configured, rate: defaultRate },
      { label: 'sequential', concurrency: 1, rate: undefined },
    ];
    for (const [index, { label, concurrency, rate }] of runs.entries()) {
      const machineUser = simulator.store.addUser({ username: `bot-${index}`, email: `bot-${index}@bench.example.com` });
      simulator.store.grantAccess(projectId, machineUser.id, ['viewer', 'development:admin', 'production:admin']);
      const owner = await database.db.user.create({ data: { email: `owner-${index}@bench.example.com`, role: 'admin' } });
      const row = await database.db.machineUser.create({
        data: { projectId, purpose: 'custom', email: machineUser.email, permissions: ['viewer'], state: 'active', platformshUserId: machineUser.id, ownerId: owner.id },
      });
      const token = simulator.store.issueApiToken(machineUser.id, 'bench').token;
      const context = { actor: { id: owner.id, email: owner.email, role: 'admin' as const, projectIds: [] }, clientAddress: null };
      const environmentIds = (await database.db.environment.findMany({ where: { projectId }, select: { id: true } })).map((environment) => environment.id);
      const dashboard = createPlatformshClient({ apiUrl: simulator.url, authUrl: simulator.authUrl, apiToken: DEMO_DASHBOARD_API_TOKEN, requestsPerSecond: rate });
      const requestsBefore = simulator.requestLog.entries.length;
      const started = performance.now();
      const result = await profiled(options, `push ${label}`, () =>
        recordAndPushToken(context, { machineUserId: row.id, runId: randomUUID(), token, name: 'bench', environmentIds, confirmReplace: environmentIds }, {
          dashboard,
          // The app paces the pasted token's client to the same limit (lib/domain/platformsh-connection.ts).
          clientForToken: (apiToken) => createPlatformshClient({ apiUrl: simulator.url, authUrl: simulator.authUrl, apiToken, requestsPerSecond: rate }),
          fingerprintKey: 'bench-fingerprint-key-0123456789abcdefghij',
          pushConcurrency: concurrency,
        }),
      );
      const elapsed = performance.now() - started;
      dashboard.dispose();
      const requests = simulator.requestLog.entries.length - requestsBefore;
      // The issue's bound: max(⌈N/c⌉ × round trips per environment × latency, requests ÷ rate), with
      // two round trips per environment: R8 needs a read of the environment's variable before its
      // write. (The API has no bulk variable write, and no create-or-replace.)
      const latencyBound = Math.ceil(environments / concurrency) * 2 * latencyMs;
      const bound = Math.max(latencyBound, rate ? (requests / rate) * 1000 : 0);
      // Stricter, and informational: the longest chain of requests this push must make in turn —
      // the token exchange, the identity read, one wave of reads (reads start no redeploy: they are
      // not held to the concurrency), then ⌈N/c⌉ waves of writes.
      const chain = (3 + Math.ceil(environments / concurrency)) * latencyMs;
      const ratio = elapsed / bound;
      console.log(
        `  ${label.padEnd(20)} (${concurrency} at once): ${result.ok ? result.data.status : result.error.message} in ${seconds(elapsed)}, ${requests} requests; ` +
          `bound max(⌈${environments}/${concurrency}⌉ × 2 × ${latencyMs} ms, requests ÷ rate) = ${seconds(bound)}, ratio ${ratio.toFixed(2)}; ` +
          `request chain ${seconds(chain)}, ratio ${(elapsed / chain).toFixed(2)}`,
      );
      const detail = `${environments} environments, ${latencyMs} ms latency, ${concurrency} at once, ${rate ? `${rate} requests/s` : 'unpaced'}, ${requests} requests, ${options.database}`;
      record({ part: 'push', measure: `push, ${label}`, value: elapsed / 1000, unit: 's', detail });
      record({ part: 'push', measure: `push, ${label}, ratio to the bound`, value: ratio, unit: 'ratio', ...(concurrency === configured ? { target: { text: '≤ 1.25', met: ratio <= 1.25 } } : {}), detail: `bound ${seconds(bound)}; ${detail}` });
      record({ part: 'push', measure: `push, ${label}, ratio to the request chain`, value: elapsed / chain, unit: 'ratio', detail: `chain ${seconds(chain)}; ${detail}` });
    }
  } finally {
    await database.destroy();
    await simulator.stop();
  }
}

/**
 * The reviewer's Inventory at scale: machine users spread over --projects projects (five
 * environments each), four tokens per machine user (one active, the others superseded, revoked or
 * compromised), a push journal for the active and superseded ones, Keywarden's variables on main and
 * staging, hand-set ones on a tenth of the projects, two people with access per project, and open
 * findings on about a third of the machine users. Written with INSERT … SELECT (seconds, not a sync).
 */
async function seedInventoryAtScale(db: TestDatabase['db'], projects: number, machineUsers: number): Promise<void> {
  const statements = [
    `SELECT setseed(0.42)`,
    `INSERT INTO users (id, email, role, updated_at) SELECT gen_random_uuid(), 'owner-' || lpad(i::text, 3, '0') || '@bench.example.com', 'admin', now() FROM generate_series(1, 50) i`,
    `UPDATE users SET disabled_at = now() WHERE email LIKE 'owner-00%'`,
    `INSERT INTO projects (id, title, updated_at, last_synced_at) SELECT 'bench' || lpad(i::text, 6, '0'), 'Bench project ' || lpad(i::text, 6, '0'), now(), now() FROM generate_series(1, ${projects}) i`,
    `INSERT INTO environments (project_id, id, name, title, type, status, is_main)
       SELECT p.id, e.id, e.id, e.id, e.type::"EnvironmentType", 'active', e.id = 'main' FROM projects p
       CROSS JOIN (VALUES ('main', 'production'), ('staging', 'staging'), ('dev-1', 'development'), ('dev-2', 'development'), ('dev-3', 'development')) e(id, type)`,
    `WITH owners AS (SELECT id, row_number() OVER (ORDER BY email) - 1 AS n FROM users WHERE email LIKE 'owner-%')
     INSERT INTO machine_users (id, project_id, purpose, email, permissions, state, owner_id, backup_owner_id, platformsh_user_id, updated_at)
       SELECT gen_random_uuid(), 'bench' || lpad((1 + i % ${projects})::text, 6, '0'),
              (ARRAY['backups', 'ci_tests', 'source_operations', 'certificate_renewal', 'custom'])[1 + i % 5]::"MachinePurpose",
              'bot-' || lpad(i::text, 6, '0') || '@bench.example.com',
              CASE i % 4 WHEN 0 THEN ARRAY['viewer', 'production:admin'] WHEN 1 THEN ARRAY['viewer', 'development:contributor'] WHEN 2 THEN ARRAY['admin'] ELSE ARRAY['viewer'] END,
              (CASE WHEN i % 50 = 0 THEN 'removed' ELSE 'active' END)::"MachineUserState",
              (SELECT id FROM owners WHERE n = i % 50), (SELECT id FROM owners WHERE n = (i + 7) % 50), 'psh-bot-' || i, now()
       FROM generate_series(1, ${machineUsers}) i`,
    `INSERT INTO api_tokens (id, machine_user_id, name, fingerprint, last_four, status, rotate_by, recorded_at, last_used_at)
       SELECT gen_random_uuid(), m.id, 'token ' || k, md5(m.id::text || k) || md5(k || m.id::text), right(md5(m.id::text || k), 4),
              (CASE k WHEN 0 THEN 'active' WHEN 1 THEN 'superseded' WHEN 2 THEN 'revoked' ELSE 'compromised' END)::"TokenStatus",
              now() + ((random() * 200 - 50)::int || ' days')::interval,
              now() - ((k * 100 + random() * 90)::int || ' days')::interval,
              CASE WHEN random() < 0.7 THEN now() - ((random() * 60)::int || ' days')::interval END
       FROM machine_users m CROSS JOIN generate_series(0, 3) k`,
    `INSERT INTO push_runs (id, machine_user_id, token_id, status, visible_build, started_at, heartbeat_at, finished_at)
       SELECT gen_random_uuid(), t.machine_user_id, t.id, 'succeeded', false, t.recorded_at, t.recorded_at, t.recorded_at FROM api_tokens t WHERE t.status IN ('active', 'superseded')`,
    `INSERT INTO push_steps (id, run_id, project_id, environment_id, environment_type, status, operation, updated_at)
       SELECT gen_random_uuid(), r.id, m.project_id, e.id, e.type, 'succeeded', 'create', r.started_at + (random() * 1000 || ' seconds')::interval
       FROM push_runs r JOIN machine_users m ON m.id = r.machine_user_id CROSS JOIN (VALUES ('main', 'production'), ('staging', 'staging')) e(id, type)`,
    `INSERT INTO token_variables (id, project_id, environment_id, name, is_sensitive, is_inheritable, is_enabled, visible_build, visible_runtime, inherited)
       SELECT gen_random_uuid(), p.id, e.id, 'env:PLATFORMSH_CLI_TOKEN', true, e.id = 'dev-1', true, false, true, false FROM projects p
       CROSS JOIN (VALUES ('main'), ('staging'), ('dev-1')) e(id) WHERE e.id <> 'dev-1' OR right(p.id, 1) = '7'`,
    `INSERT INTO token_variables (id, project_id, environment_id, name, is_sensitive, is_inheritable, is_enabled, visible_build, visible_runtime, inherited)
       SELECT gen_random_uuid(), p.id, NULL, 'env:PLATFORMSH_CLI_TOKEN', false, true, true, true, true, false FROM projects p WHERE right(p.id, 2) = '00'`,
    `INSERT INTO platformsh_accounts (id, email, display_name, seen_at) VALUES ('psh-alice', 'alice@bench.example.com', 'Alice Admin', now()), ('psh-bob', 'bob@bench.example.com', 'Bob Viewer', now())`,
    `INSERT INTO project_user_access (project_id, user_id, permissions)
       SELECT m.project_id, m.platformsh_user_id, m.permissions FROM machine_users m
       UNION ALL SELECT p.id, 'psh-alice', ARRAY['admin'] FROM projects p
       UNION ALL SELECT p.id, 'psh-bob', ARRAY['viewer', 'production:viewer'] FROM projects p`,
    `INSERT INTO findings (id, rule_id, subject_key, severity, machine_user_id, project_id, evidence, first_seen_at, last_seen_at)
       SELECT gen_random_uuid(), 'bench.rule', 'machine_user:' || m.id, 'medium', m.id, m.project_id, '{}', now(), now() FROM machine_users m WHERE random() < 0.3`,
    `ANALYZE`,
  ];
  for (const statement of statements) await db.$executeRawUnsafe(statement);
}

/** p50 and p95 of `runs` calls of `read`, after one warm-up call. */
async function percentiles(read: () => Promise<unknown>, runs = 20): Promise<string> {
  await read(); // warm-up
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await read();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return `p50 ${percentile(times, 0.5).toFixed(0)} ms, p95 ${percentile(times, 0.95).toFixed(0)} ms`;
}

/** The reviewer's Inventory page and export at scale (see the file's header). */
async function benchInventoryPage(options: BenchArguments): Promise<void> {
  const database = await createTestDatabase(options.database);
  try {
    setApplicationDatabase(database);
    const seeding = performance.now();
    await seedInventoryAtScale(database.db, options.projects, options['machine-users']);
    const [machineUsers, tokens] = await Promise.all([database.db.machineUser.count(), database.db.apiToken.count()]);
    console.log(`Inventory page: ${machineUsers} machine users, ${tokens} tokens, ${options.projects} projects (${database.kind}), seeded in ${seconds(performance.now() - seeding)}`);
    const reviewer = contextFor(await createUser(database.db, { role: 'reviewer' }));
    const lastPage = Math.ceil(machineUsers / INVENTORY_PAGE_SIZE);
    const cases: [string, Record<string, string>][] = [
      ['first page, no filter', {}],
      [`page ${lastPage}`, { page: String(lastPage) }],
      ['sorted by next rotate-by, descending', { sort: 'rotate', dir: 'desc' }],
      ['sorted by last use', { sort: 'used' }],
      ['overdue tokens', { status: 'overdue' }],
      ['admin on production, open findings', { role: 'production:admin', finding: 'open' }],
      ['tokens over a year old', { age: 'gt365' }],
      ['search', { q: 'bot-0042' }],
      ['not Keywarden’s only', { managed: 'unmanaged' }],
    ];
    for (const [label, query] of cases) console.log(`  ${label.padEnd(38)} ${await percentiles(() => listInventory(reviewer, query))}`);

    for (const format of ['csv', 'json'] as const) {
      const opened = await openInventoryExport(reviewer, {}, format);
      if (!opened.ok) throw new Error(opened.error.message);
      let bytes = 0;
      let records = 0;
      const started = performance.now();
      const counted = (async function* () {
        for await (const batch of opened.data.batches) {
          records += batch.length;
          yield batch;
        }
      })();
      for await (const chunk of exportChunks(counted, format)) bytes += chunk.length;
      const elapsed = performance.now() - started;
      console.log(`  export ${format.padEnd(4)}: ${records} records (${(bytes / 1e6).toFixed(1)} MB) in ${seconds(elapsed)}, ${Math.round(records / (elapsed / 1000))} records/s`);
    }
  } finally {
    await database.destroy();
  }
}

/** The findings engine and the Findings view at the Inventory page's scale (see the file's header). */
async function benchFindings(options: BenchArguments): Promise<void> {
  const database = await createTestDatabase(options.database);
  try {
    setApplicationDatabase(database);
    const seeding = performance.now();
    await seedInventoryAtScale(database.db, options.projects, options['machine-users']);
    // History for the chart: findings seen over the last 120 days, most of them resolved since.
    await database.db.$executeRawUnsafe(`
      INSERT INTO findings (id, rule_id, subject_key, severity, machine_user_id, project_id, evidence, first_seen_at, last_seen_at, resolved_at)
        SELECT gen_random_uuid(), 'bench.history', 'history:' || m.id || ':' || k,
               (ARRAY['critical', 'high', 'medium', 'low'])[1 + floor(random() * 4)::int]::"FindingSeverity",
               m.id, m.project_id, '{}', h.seen, h.seen, CASE WHEN random() < 0.8 THEN LEAST(h.seen + (random() * 30 || ' days')::interval, now()) END
        FROM machine_users m CROSS JOIN generate_series(1, 4) k
        CROSS JOIN LATERAL (SELECT now() - (random() * 120 || ' days')::interval AS seen) h`);
    await database.db.$executeRawUnsafe('ANALYZE findings');
    const [machineUsers, tokens] = await Promise.all([database.db.machineUser.count(), database.db.apiToken.count()]);
    console.log(`Findings: ${machineUsers} machine users, ${tokens} tokens, ${options.projects} projects (${database.kind}), seeded in ${seconds(performance.now() - seeding)}`);

    let started = performance.now();
    const first = await recomputeFindings(database.db);
    console.log(`  recomputeFindings, first run          ${seconds(performance.now() - started)} (${first.opened} opened, ${first.resolved} resolved, ${first.open} open)`);
    started = performance.now();
    const again = await recomputeFindings(database.db);
    console.log(`  recomputeFindings, nothing changed    ${seconds(performance.now() - started)} (${again.opened} opened, ${again.resolved} resolved)`);
    await database.db.$executeRawUnsafe('ANALYZE findings');
    const total = await database.db.finding.count();
    console.log(`  ${total} findings in the table`);

    const reviewer = contextFor(await createUser(database.db, { role: 'reviewer' }));
    const cases: [string, () => Promise<unknown>][] = [
      ['list, first page', () => listFindings(reviewer, {})],
      ['list, high severity, one rule, page 2', () => listFindings(reviewer, { severity: 'high', rule: 'machine_user.project_admin', page: '2' })],
      ['list, resolved, sorted by first seen', () => listFindings(reviewer, { status: 'resolved', sort: 'first_seen' })],
      ['by severity over time (90 days)', () => getFindingsHistory(reviewer)],
    ];
    for (const [label, read] of cases) console.log(`  ${label.padEnd(38)} ${await percentiles(read)}`);
  } finally {
    await database.destroy();
  }
}

const AUDIT_BENCH_KEY = 'bench-audit-chain-key-0123456789abcdefghijklmnop';

/** p50 and p95 (ms) of `runs` calls of `read`, after one warm-up call; a refused read fails the bench. */
async function timed(read: () => Promise<{ ok: boolean } | unknown>, runs = 20): Promise<{ p50: number; p95: number }> {
  const check = (result: unknown) => {
    if (result && typeof result === 'object' && 'ok' in result && result.ok === false) throw new Error(`a list read was refused: ${JSON.stringify(result)}`);
  };
  check(await read());
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    check(await read());
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/** Every list page and API list (50 rows) over one database at size (see the file's header). */
async function benchLists(options: BenchArguments): Promise<void> {
  setAuditChainKey(AUDIT_BENCH_KEY);
  const database = await createTestDatabase(options.database);
  setApplicationDatabase(database);
  try {
    const seeding = performance.now();
    await seedInventoryAtScale(database.db, options.projects, options['machine-users']);
    await seedAuditLog(database, options['audit-rows']);
    const [machineUsers, tokens, auditRows] = await Promise.all([database.db.machineUser.count(), database.db.apiToken.count(), database.db.auditEvent.count()]);
    const sizes = `${machineUsers} machine users, ${tokens} tokens, ${auditRows} audit rows, ${options.projects} projects, ${options.database}`;
    console.log(`Lists: ${sizes}, seeded in ${seconds(performance.now() - seeding)}; p50/p95 of 20 reads`);
    const admin = contextFor(await createUser(database.db, { role: 'admin' }));
    const reviewer = contextFor(await createUser(database.db, { role: 'reviewer' }));
    const api = { pageSize: 50 };
    const cases: [string, () => Promise<unknown>][] = [
      ['Projects page', () => listProjects(admin, {})],
      ['Projects page, search', () => listProjects(admin, { q: '0042' })],
      ['Machine users page', () => listMachineUsers(admin, {})],
      ['Machine users page, last page', () => listMachineUsers(admin, { page: String(Math.ceil(machineUsers / MACHINE_USERS_PAGE_SIZE)) })],
      ['Machine users page, search', () => listMachineUsers(admin, { q: 'bot-0042' })],
      ['Tokens page', () => listTokens(admin, {})],
      ['Tokens page, search', () => listTokens(admin, { q: 'bot-0042' })],
      ['Inventory page (reviewer)', () => listInventory(reviewer, {})],
      ['Findings page (reviewer)', () => listFindings(reviewer, {})],
      ['Audit page (reviewer)', () => listAuditEvents(reviewer, {})],
      ['Audit page, filtered', () => listAuditEvents(reviewer, { action: 'token.rotate', outcome: 'succeeded' })],
      ['API GET /projects (50)', () => listProjects(admin, {}, api)],
      ['API GET /machine-users (50)', () => listMachineUsers(admin, {}, api)],
      ['API GET /tokens (50)', () => listTokens(admin, {}, api)],
      ['API GET /findings (50)', () => listFindings(reviewer, {}, new Date(), api)],
      ['API GET /audit (50)', () => pollAuditLog(reviewer, { filters: {}, since: null, limit: 50, format: 'json' })],
      ['API GET /audit (50, since the middle)', () => pollAuditLog(reviewer, { filters: {}, since: BigInt(Math.floor(auditRows / 2)), limit: 50, format: 'json' })],
    ];
    for (const [label, read] of cases) {
      const { p50, p95 } = await timed(read);
      console.log(`  ${label.padEnd(40)} p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms${p95 > 100 ? '  (over the 100 ms target)' : ''}`);
      record({ part: `lists (${options.database})`, measure: `${label}, p95`, value: Number(p95.toFixed(1)), unit: 'ms', target: { text: '≤ 100 ms', met: p95 <= 100 }, detail: `p50 ${p50.toFixed(1)} ms; ${sizes}` });
    }
  } finally {
    await database.destroy();
  }
}

/**
 * Writes `rows` chained audit rows straight into the table, a thousand per statement, with the macs
 * the app's writer would compute and a signed checkpoint every CHECKPOINT_INTERVAL rows: the same
 * log, minus a transaction and a lock per row (which would make seeding the slow part).
 */
async function seedAuditLog(database: TestDatabase, rows: number): Promise<void> {
  const actions = Object.keys(AUDIT_ACTIONS);
  const outcomes = ['succeeded', 'succeeded', 'succeeded', 'refused', 'invalid', 'failed'] as const;
  const start = Date.now() - 90 * 86_400_000;
  const step = (90 * 86_400_000) / rows;
  let previous = CHAIN_GENESIS;
  const batch = 1000;
  for (let first = 1; first <= rows; first += batch) {
    const events = [];
    const checkpoints = [];
    for (let seq = first; seq < first + batch && seq <= rows; seq += 1) {
      const machineUser = seq % 500;
      const outcome = outcomes[seq % outcomes.length]!;
      const details = { step: 'recorded', targetName: `bot${machineUser}@bench.example.com`, ...(seq % 9 === 0 ? { from: ['viewer'], to: ['viewer', 'production:admin'] } : {}) };
      const row: ChainedFields = {
        occurredAt: new Date(start + Math.floor(seq * step)),
        actorId: null,
        actorEmail: `person${seq % 50}@bench.example.com`,
        actorRole: seq % 7 === 0 ? 'reviewer' : 'admin',
        actorClaimed: false,
        action: actions[seq % actions.length]!,
        targetType: 'machine_user',
        targetId: `00000000-0000-4000-8000-${String(machineUser).padStart(12, '0')}`,
        outcome,
        reason: seq % 10 === 0 ? `reason of row ${seq}` : null,
        clientAddress: `198.51.100.${seq % 250}`,
        details,
        tokenFingerprint: seq % 3 === 0 ? 'e'.repeat(64) : null,
      };
      previous = chainMac(AUDIT_BENCH_KEY, previous, row);
      events.push({ ...row, outcome, details, seq: BigInt(seq), mac: previous });
      if (seq % CHECKPOINT_INTERVAL === 0) {
        const checkpoint = { seq: BigInt(seq), mac: previous, createdAt: new Date(), reason: 'interval' };
        checkpoints.push({ ...checkpoint, signature: checkpointSignature(AUDIT_BENCH_KEY, checkpoint) });
      }
    }
    await database.db.auditEvent.createMany({ data: events });
    if (checkpoints.length) await database.db.auditChainCheckpoint.createMany({ data: checkpoints });
  }
  await database.db.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('audit_events', 'seq'), ${rows})`);
  await database.db.$executeRawUnsafe('ANALYZE audit_events');
}

async function benchAudit(options: BenchArguments): Promise<void> {
  const rows = options['audit-rows'];
  setAuditChainKey(AUDIT_BENCH_KEY);
  const database = await createTestDatabase(options.database);
  setApplicationDatabase(database);
  try {
    console.log(`Audit log: ${rows} chained rows, ${options.database}`);
    let started = performance.now();
    await seedAuditLog(database, rows);
    console.log(`  seeded in ${seconds(performance.now() - started)}`);

    started = performance.now();
    const verified = await verifyAuditChain(database.db, { key: AUDIT_BENCH_KEY });
    const verifyMs = performance.now() - started;
    console.log(
      `  audit:verify: ${verified.firstBroken ? `BROKEN at ${verified.firstBroken.seq}` : 'OK'}, ${verified.checked} rows, ${verified.checkpoints} checkpoints in ${seconds(verifyMs)} ` +
        `(${Math.round(verified.checked / (verifyMs / 1000))} rows/s)`,
    );

    const reviewer = contextFor(await createUser(database.db, { role: 'reviewer' }));
    const median = async (read: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let run = 0; run < 5; run += 1) {
        const begun = performance.now();
        await read();
        times.push(performance.now() - begun);
      }
      return `${times.sort((a, b) => a - b)[2]!.toFixed(0)} ms`;
    };
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const filtered = { action: 'token.rotate', outcome: 'succeeded', from };
    console.log('  Audit page, median of 5:');
    console.log(`    first page ${await median(() => listAuditEvents(reviewer, {}))}, page 1000 ${await median(() => listAuditEvents(reviewer, { page: '1000' }))}`);
    console.log(
      `    filtered (action, outcome, last 30 days) ${await median(() => listAuditEvents(reviewer, filtered))}, ` +
        `target name search ${await median(() => listAuditEvents(reviewer, { target: 'bot42@' }))}, sorted by actor ${await median(() => listAuditEvents(reviewer, { sort: 'actor' }))}`,
    );

    for (const format of ['csv', 'ndjson'] as const) {
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      started = performance.now();
      const reader = auditExportStream({}, format).getReader();
      let bytes = 0;
      let lines = 0;
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        bytes += read.value.byteLength;
        for (const byte of read.value) if (byte === 10) lines += 1;
      }
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const exportMs = performance.now() - started;
      const mb = (value: number) => `${(value / 1024 / 1024).toFixed(0)} MB`;
      console.log(
        `  export ${format.padEnd(6)}: ${lines} lines, ${mb(bytes)} in ${seconds(exportMs)} (${Math.round(rows / (exportMs / 1000))} rows/s), ` +
          `RSS ${mb(baseline)} before, peak ${mb(peak)}`,
      );
    }
  } finally {
    await database.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: Object.fromEntries(Object.keys(argumentsSchema.shape).map((name) => [name, { type: 'string' as const }])),
    strict: true,
  });
  const parsed = argumentsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`Invalid arguments: ${parsed.error.issues.map((issue) => `--${issue.path.join('.')} ${issue.message}`).join('; ')}`);
    process.exit(2);
  }
  const started = new Date();
  if (parsed.data.part === 'inventory' || parsed.data.part === 'all') await benchInventory(parsed.data);
  if (parsed.data.part === 'push' || parsed.data.part === 'all') await benchPush(parsed.data);
  if (parsed.data.part === 'lists' || parsed.data.part === 'all') await benchLists(parsed.data);
  if (parsed.data.part === 'audit' || parsed.data.part === 'all') await benchAudit(parsed.data);
  if (parsed.data.part === 'inventory-page' || parsed.data.part === 'all') await benchInventoryPage(parsed.data);
  if (parsed.data.part === 'findings' || parsed.data.part === 'all') await benchFindings(parsed.data);
  if (parsed.data.part === 'server' || parsed.data.part === 'all') {
    const { server, database, users, duration, sweep } = parsed.data;
    await benchServer({ server, database, users, duration, thinkMs: parsed.data['think-ms'], thinkSpread: parsed.data['think-spread'], sweep, sweepDuration: parsed.data['sweep-duration'], cpuProfile: parsed.data['cpu-profile'], record });
  }
  await writeReport(parsed.data, started);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

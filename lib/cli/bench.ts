// `npm run bench [-- --part inventory|push|audit] [--projects 2000] [--environments 5] [--latency 50]
//   [--rate 500] [--concurrency 16] [--audit-rows 100000] [--database pglite|postgresql]`
// Prints figures; asserts nothing (speed goals are measured here, never in a timed test).
//
// Inventory: a full sync of a generated organisation through the simulator over real HTTP, with a
// per-request latency and a server-side rate limit, the client paced to that limit; then an
// incremental re-sync. The lower bound is requests ÷ rate: no client can finish sooner.
//
// Audit: a chained log of --audit-rows rows (seeded in bulk, with checkpoints), then the time of
// the chain's verification, of the Audit page's queries and of a full streamed export.
import { parseArgs } from "node:util";
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { AUDIT_ACTIONS } from '@/lib/audit/actions';
import { chainMac, CHAIN_GENESIS, checkpointSignature, CHECKPOINT_INTERVAL, useAuditChainKey as setAuditChainKey, verifyAuditChain, type ChainedFields } from '@/lib/audit/chain';
import { auditExportStream } from '@/lib/domain/audit-export';
import { listAuditEvents } from '@/lib/domain/audit-log';
import { listProjects, PROJECTS_PAGE_SIZE } from '@/lib/domain/inventory/projects';
import { beginSyncRun, executeSyncRun } from '@/lib/domain/inventory/sync';
import { listOnboardingBacklog, OVERVIEW_PAGE_SIZE } from '@/lib/domain/onboarding/checklist';
import { PUSH_CONCURRENCY, recordAndPushToken } from '@/lib/domain/tokens/push';
import { createPlatformshClient } from '@/lib/platformsh';
import { DEMO_DASHBOARD_API_TOKEN, startSimulator } from '@/lib/platformsh/simulator';
// Not a React hook, despite its name: it points the application's database handle at a database.
import { useDatabaseForTests as setApplicationDatabase } from '@/lib/db';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';

const argumentsSchema = z.object({
  part: z.enum(['inventory', 'push', 'audit', 'all']).default('all'),
  projects: z.coerce.number().int().min(1).max(20_000).default(2000),
  environments: z.coerce.number().int().min(1).max(50).default(5),
  latency: z.coerce.number().int().min(0).max(5000).default(50),
  rate: z.coerce.number().min(1).max(10_000).default(500),
  concurrency: z.coerce.number().int().min(1).max(256).default(16),
  'audit-rows': z.coerce.number().int().min(1000).max(5_000_000).default(100_000),
  database: z.enum(['pglite', 'postgresql']).default('pglite'),
});
type BenchArguments = z.infer<typeof argumentsSchema>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function benchInventory(options: BenchArguments): Promise<void> {
  const simulator = await startSimulator({
    faults: true,
    seed: { large: { projects: options.projects, environmentsPerProject: options.environments } },
  });
  const database = await createTestDatabase(options.database);
  try {
    simulator.faults.add({ kind: 'latency', ms: options.latency, path: '/**' });
    simulator.faults.setRateLimit({ requestsPerSecond: options.rate });
    const client = createPlatformshClient({
      apiUrl: simulator.url,
      authUrl: simulator.authUrl,
      apiToken: DEMO_DASHBOARD_API_TOKEN,
      requestsPerSecond: options.rate,
    });
    console.log(
      `Inventory sync: ${options.projects} projects × ${options.environments} environments, ${options.latency} ms latency, ` +
        `rate limit ${options.rate} requests/s, ${options.concurrency} projects in flight, ${options.database}`,
    );
    for (const full of [true, false]) {
      const runId = await database.db.$transaction((tx) => beginSyncRun(tx, { trigger: 'manual', full }));
      if (!runId) throw new Error('the sync lease is taken');
      const requestsBefore = simulator.requestLog.entries.length;
      const started = performance.now();
      const outcome = await executeSyncRun(database.db, client, runId, { concurrency: options.concurrency });
      const elapsed = performance.now() - started;
      const requests = simulator.requestLog.entries.length - requestsBefore;
      const lowerBound = (requests / options.rate) * 1000;
      const environments = await database.db.environment.count();
      console.log(
        `  ${full ? 'full       ' : 'incremental'}: ${outcome.status}, ${outcome.projectsTotal} projects (${outcome.projectsFailed} failed), ` +
          `${environments} environments, ${requests} requests in ${seconds(elapsed)}; ` +
          `rate-limit lower bound ${seconds(lowerBound)}, ratio ${(elapsed / lowerBound).toFixed(2)}`,
      );
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
 * concurrency and sequentially. Each environment costs a read and a write (read before writing).
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
    const dashboard = createPlatformshClient({ apiUrl: simulator.url, authUrl: simulator.authUrl, apiToken: DEMO_DASHBOARD_API_TOKEN });
    const runId = await database.db.$transaction((tx) => beginSyncRun(tx, { trigger: 'manual', full: true }));
    await executeSyncRun(database.db, dashboard, runId!);
    simulator.faults.add({ kind: 'latency', ms: latencyMs, path: '/**' });
    console.log(`Push: one token to ${environments} environments, ${latencyMs} ms latency per request (a read and a write per environment), ${options.database}`);
    const timings: Record<string, number> = {};
    for (const [label, concurrency] of [['concurrent', PUSH_CONCURRENCY], ['sequential', 1]] as const) {
      const machineUser = simulator.store.addUser({ username: `bot-${label}`, email: `bot-${label}@bench.example.com` });
      simulator.store.grantAccess(projectId, machineUser.id, ['viewer', 'development:admin', 'production:admin']);
      const owner = await database.db.user.create({ data: { email: `owner-${label}@bench.example.com`, role: 'admin' } });
      const row = await database.db.machineUser.create({
        data: { projectId, purpose: 'custom', email: machineUser.email, permissions: ['viewer'], state: 'active', platformshUserId: machineUser.id, ownerId: owner.id },
      });
      const token = simulator.store.issueApiToken(machineUser.id, 'bench').token;
      const context = { actor: { id: owner.id, email: owner.email, role: 'admin' as const, projectIds: [] }, clientAddress: null };
      const environmentIds = (await database.db.environment.findMany({ where: { projectId }, select: { id: true } })).map((environment) => environment.id);
      const started = performance.now();
      const result = await recordAndPushToken(context, { machineUserId: row.id, runId: randomUUID(), token, name: 'bench', environmentIds, confirmReplace: environmentIds }, {
        dashboard,
        clientForToken: (apiToken) => createPlatformshClient({ apiUrl: simulator.url, authUrl: simulator.authUrl, apiToken }),
        fingerprintKey: 'bench-fingerprint-key-0123456789abcdefghij',
        pushConcurrency: concurrency,
      });
      timings[label] = performance.now() - started;
      console.log(`  ${label.padEnd(10)} (${concurrency} at once): ${result.ok ? result.data.status : result.error.message} in ${seconds(timings[label]!)}`);
    }
    console.log(`  ratio concurrent / sequential: ${((timings.concurrent ?? 0) / (timings.sequential ?? 1)).toFixed(2)}`);
  } finally {
    await database.destroy();
    await simulator.stop();
  }
}

const AUDIT_BENCH_KEY = 'bench-audit-chain-key-0123456789abcdefghijklmnop';

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
  if (parsed.data.part === 'inventory' || parsed.data.part === 'all') await benchInventory(parsed.data);
  if (parsed.data.part === 'push' || parsed.data.part === 'all') await benchPush(parsed.data);
  if (parsed.data.part === 'audit' || parsed.data.part === 'all') await benchAudit(parsed.data);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

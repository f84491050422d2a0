// Inventory-sync test helpers: a client for a running simulator with its own breakers and short
// retries, a clean slate between tests, one sync run begun and executed, and every secret the
// simulator knows (for "no value anywhere in the database" checks).
import type { Database } from '@/lib/db';
import { beginSyncRun, executeSyncRun, type ExecuteSyncOptions, type SyncOutcome } from '@/lib/domain/inventory/sync';
import { createPlatformshClient, type PlatformshClient, type PlatformshClientOptions } from '@/lib/platformsh';
import { BreakerRegistry } from '@/lib/platformsh/client/http';
import type { RunningSimulator } from '@/lib/platformsh/simulator';
import { DEMO_DASHBOARD_API_TOKEN } from '@/lib/platformsh/simulator';

/** A client of the simulator's API as the dashboard; its breaker is its own, so tests do not leak into each other. */
export function simulatorClient(simulator: RunningSimulator, options: Partial<PlatformshClientOptions> = {}): PlatformshClient {
  return createPlatformshClient({
    apiUrl: simulator.url,
    authUrl: simulator.authUrl,
    apiToken: simulator.demo?.dashboardToken ?? DEMO_DASHBOARD_API_TOKEN,
    breakers: new BreakerRegistry(),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    vendor: simulator.vendor,
    ...options,
  });
}

/** Removes every inventory row (projects cascade to their environments, variables, access and assignments) and every sync job. */
export async function resetInventory(db: Database): Promise<void> {
  await db.syncRun.deleteMany();
  await db.project.deleteMany();
  await clearSyncJobs(db);
}

/** Removes the sync queue's jobs: the runs they would execute are then no longer live (nothing works the queue in these tests). */
export async function clearSyncJobs(db: Database): Promise<void> {
  await db.$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = 'inventory-sync'`);
}

/** Begins a run (as the scheduler would, without an audit row) and executes it to the end. */
export async function runSync(
  db: Database,
  client: PlatformshClient,
  options: { full: boolean; trigger?: 'manual' | 'scheduled' } & ExecuteSyncOptions,
): Promise<{ runId: string; outcome: SyncOutcome }> {
  const runId = await db.$transaction((tx) => beginSyncRun(tx, { trigger: options.trigger ?? 'manual', full: options.full }));
  if (!runId) throw new Error('another sync run is live');
  const outcome = await executeSyncRun(db, client, runId, { concurrency: options.concurrency ?? 4, now: options.now });
  return { runId, outcome };
}

/**
 * Every secret the simulator holds: API tokens, the access tokens it issued, and every variable
 * value long enough not to occur by chance (short ones like `prod` are left out).
 */
export function simulatorSecrets(simulator: RunningSimulator): string[] {
  const { store } = simulator;
  const secrets = new Set<string>();
  for (const token of store.apiTokens.values()) secrets.add(token.token);
  for (const accessToken of store.accessTokens.keys()) secrets.add(accessToken);
  for (const project of store.projects.values()) {
    const variables = [...project.variables.values(), ...[...project.environments.values()].flatMap((environment) => [...environment.variables.values()])];
    for (const variable of variables) if (variable.value.length >= 12) secrets.add(variable.value);
  }
  return [...secrets];
}

// Background work of a running Keywarden: the scheduled inventory sync, and runs started by
// "Sync now". Started from instrumentation.ts; never during a build or a test.
import { getConfig } from '@/lib/config';
import { ensureSandboxSimulatorKey, getSecrets } from '@/lib/config/secrets';
import { getDb } from '@/lib/db';
import { recomputeFindingsSafely } from '@/lib/domain/findings/engine';
import { seedReviewDemoRecords } from '@/lib/domain/findings/sandbox-demo';
import { startInventorySchedule } from '@/lib/domain/inventory/schedule';
import { executeSyncRun } from '@/lib/domain/inventory/sync';
import { getDashboardClient } from '@/lib/domain/platformsh-connection';
import { logger } from '@/lib/logger';

export async function startBackgroundJobs(): Promise<void> {
  const config = getConfig();
  const client = getDashboardClient();
  if (!client) {
    logger.warn('no Platform.sh API to sync from: the inventory stays as it is');
    return;
  }
  // The demo organisation syncs in seconds: wait for it, so the first page already lists it.
  await startInventorySchedule(getDb(), client, {
    intervalMinutes: config.syncIntervalMinutes,
    awaitFirst: config.platformsh.mode === 'sandbox',
  });
  if (config.platformsh.mode === 'sandbox') await prepareReviewDemo(config);
}

/**
 * Sandbox mode: Keywarden's records of the review demo (once, after the first sync has copied the
 * demo projects), then the findings, so that the first look at /review shows every finding the demo
 * holds. Never fatal: the sandbox works without its demo.
 */
async function prepareReviewDemo(config: ReturnType<typeof getConfig>): Promise<void> {
  try {
    await seedReviewDemoRecords(getDb(), { credentialKey: ensureSandboxSimulatorKey(config), fingerprintKey: getSecrets(config).fingerprint });
  } catch (error) {
    logger.warn('the sandbox review demo could not be prepared', { error });
  }
  await recomputeFindingsSafely(getDb());
}

/** Runs a begun sync in the background of this process; its progress is in the database. */
export function launchSyncRun(runId: string): void {
  const client = getDashboardClient();
  if (!client) return;
  void executeSyncRun(getDb(), client, runId).catch((error: unknown) => logger.error('inventory sync failed', { runId, error }));
}

'use server';
// Server action of the Projects page: "Sync now". The domain begins the run and enqueues its job
// (authorized, validated, audited, one at a time); whichever instance takes the job executes it.
import { revalidatePath } from 'next/cache';
import { requestInventorySync } from '@/lib/domain/inventory/requests';
import type { ActionResult } from '@/lib/errors';
import { withDashboardClient } from './signed-in';

export async function startSyncAction(input: unknown): Promise<ActionResult<{ runId: string }>> {
  // The run itself uses the dashboard's client in the background: without one it is not begun.
  return withDashboardClient('inventory.sync', async (context) => {
    const result = await requestInventorySync(context, input);
    if (result.ok) revalidatePath('/projects');
    return result;
  });
}

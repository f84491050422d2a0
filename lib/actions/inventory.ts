'use server';
// Server action of the Projects page: "Sync now". The domain begins the run and enqueues its job
// (authorized, validated, audited, one at a time); whichever instance takes the job executes it.
// A real form's action (useActionState): it works before hydration and without JavaScript, the
// page then rendering again with the run in progress.
import { revalidatePath } from 'next/cache';
import { requestInventorySync } from '@/lib/domain/inventory/requests';
import type { ActionResult } from '@/lib/errors';
import { withDashboardClient } from './signed-in';

export async function startSyncAction(_previous: ActionResult<{ runId: string }> | null, form: FormData): Promise<ActionResult<{ runId: string }>> {
  // The run itself uses the dashboard's client in the background: without one it is not begun.
  return withDashboardClient('inventory.sync', async (context) => {
    // A checkbox is sent only when ticked; the domain's schema validates the rest.
    const result = await requestInventorySync(context, { full: form.get('full') === 'on' });
    if (result.ok) revalidatePath('/projects');
    return result;
  });
}

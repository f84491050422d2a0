'use server';
// Server action of the Projects page: "Sync now". The domain begins the run and enqueues its job
// (authorized, validated, audited, one at a time); whichever instance takes the job executes it.
// A real form's action (useActionState): it works before hydration and without JavaScript. Posted
// without JavaScript it answers with a redirect to the Projects page (Post/Redirect/Get), which
// shows the run from the database, or why none was started (`?syncRefused=`); a reload of that
// page is a GET, never a second "Sync now".
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requestInventorySync } from '@/lib/domain/inventory/requests';
import type { ActionResult } from '@/lib/errors';
import { SYNC_REFUSED_PARAM } from '@/lib/validations/inventory';
import { isNativeFormPost } from './document-post';
import { withDashboardClient } from './signed-in';

export async function startSyncAction(_previous: ActionResult<{ runId: string }> | null, form: FormData): Promise<ActionResult<{ runId: string }>> {
  // The run itself uses the dashboard's client in the background: without one it is not begun.
  const result = await withDashboardClient('inventory.sync', async (context) => {
    // A checkbox is sent only when ticked; the domain's schema validates the rest.
    const started = await requestInventorySync(context, { full: form.get('full') === 'on' });
    if (started.ok) revalidatePath('/projects');
    return started;
  }, { form });
  // Outside the wrapper, which would take the redirect for an unexpected error. Only the error's
  // code goes in the URL: the page words it (components/projects/sync-panel.tsx).
  if (await isNativeFormPost()) redirect(result.ok ? '/projects' : `/projects?${SYNC_REFUSED_PARAM}=${result.error.code}`);
  return result;
}

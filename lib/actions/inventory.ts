'use server';
// Server action of the Projects page: "Sync now". The domain begins the run (authorized, validated,
// audited, one at a time); this process then executes it in the background.
import { revalidatePath } from 'next/cache';
import { getRequestContext } from '@/lib/auth/session';
import { requestInventorySync } from '@/lib/domain/inventory/requests';
import { getDashboardClient } from '@/lib/domain/platformsh-connection';
import { fail, type ActionResult } from '@/lib/errors';
import { launchSyncRun } from '@/lib/jobs';
import { answerUnexpectedErrors } from './unexpected';

export async function startSyncAction(input: unknown): Promise<ActionResult<{ runId: string }>> {
  return answerUnexpectedErrors('start inventory sync', async () => {
    const context = await getRequestContext();
    if (!context) return fail('unauthenticated', 'Your session has ended. Sign in again.');
    if (!getDashboardClient()) return fail('internal', 'Keywarden has no connection to the Platform.sh API; see Settings.');
    const result = await requestInventorySync(context, input);
    if (result.ok) {
      launchSyncRun(result.data.runId);
      revalidatePath('/projects');
    }
    return result;
  });
}

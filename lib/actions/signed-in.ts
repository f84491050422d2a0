// What every server action of a signed-in page does first: resolve the caller from the verified
// session (or answer "unauthenticated"), and for the actions that call Platform.sh, the dashboard's
// client (or say there is none). Unexpected failures get the generic answer. Not a "use server"
// module: helpers for the action files, which keep only their own revalidation.
import { getRequestContext } from '@/lib/auth/session';
import type { RequestContext } from '@/lib/domain/context';
import { getDashboardClient } from '@/lib/domain/platformsh-connection';
import { fail, type ActionResult } from '@/lib/errors';
import { answerUnexpectedErrors } from './unexpected';

export type DashboardClient = NonNullable<ReturnType<typeof getDashboardClient>>;

export async function asSignedInUser<T>(actionName: string, run: (context: RequestContext) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return answerUnexpectedErrors(actionName, async () => {
    const context = await getRequestContext();
    if (!context) return fail('unauthenticated', 'Your session has ended. Sign in again.');
    return run(context);
  });
}

export async function withDashboardClient<T>(
  actionName: string,
  run: (context: RequestContext, client: DashboardClient) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  return asSignedInUser(actionName, async (context) => {
    const client = getDashboardClient();
    if (!client) return fail('internal', 'Keywarden has no connection to the Platform.sh API; see Settings.');
    return run(context, client);
  });
}

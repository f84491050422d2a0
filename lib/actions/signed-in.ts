// What every server action of a signed-in page does first: resolve the caller from the verified
// session (or answer "unauthenticated"), and for the actions that call Platform.sh, the dashboard's
// client (or say there is none). Unexpected failures get the generic answer, and every failure the
// action answers with is on the audit log (auditEveryRefusal), with or without a session. Not a
// "use server" module: helpers for the action files, which keep only their own revalidation.
import { auditEveryRefusal } from '@/lib/audit/record';
import { isMutation, type Action } from '@/lib/auth/authorize';
import { currentClientAddress, getRequestContext } from '@/lib/auth/session';
import type { RequestContext } from '@/lib/domain/context';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { refreshFindings } from '@/lib/domain/findings/refresh';
import { configuredVendor, createClientForToken, getDashboardClient } from '@/lib/domain/platformsh-connection';
import type { TokenDeps } from '@/lib/domain/tokens/push';
import { fail, type ActionResult } from '@/lib/errors';
import { answerUnexpectedErrors } from './unexpected';

export type DashboardClient = NonNullable<ReturnType<typeof getDashboardClient>>;

/**
 * The permission an action is asked (and audited) under, or a function that names it when it
 * depends on the input: called only once the session has been checked, since a server action
 * reads nothing of its input before it knows who is calling.
 */
export type ActionName = Action | (() => Action);

const nameOf = (action: ActionName): Action => (typeof action === 'function' ? action() : action);

/**
 * A form action names its form (`{ form }`): React hands such an action the FormData a form posted,
 * but anyone with a session can call it with other arguments (`[null, "x"]`; its id is in the
 * page's script). Reading a field of those threw a TypeError, logged at error level and answered as
 * Keywarden's own failure. Checked once the caller is known, like the rest of the input.
 */
export interface FormActionOptions {
  form?: unknown;
}

/** invalid_input when the action names a form and was not given one (FormActionOptions). */
export function refuseUnlessForm(options: FormActionOptions | undefined): ActionResult<never> | null {
  if (!options || !('form' in options) || options.form instanceof FormData) return null;
  return fail('invalid_input', 'This action takes a form: send its fields as multipart/form-data.');
}

export async function asSignedInUser<T>(action: ActionName, run: (context: RequestContext) => Promise<ActionResult<T>>, options?: FormActionOptions): Promise<ActionResult<T>> {
  let context: RequestContext | null = null;
  return auditEveryRefusal(
    async () => ({ action: nameOf(action), actor: context?.actor ?? null, clientAddress: context?.clientAddress ?? (await currentClientAddress()) }),
    () =>
      answerUnexpectedErrors(
        () => nameOf(action),
        async () => {
          context = await getRequestContext();
          if (!context) return fail('unauthenticated', 'Your session has ended. Sign in again.');
          const notAForm = refuseUnlessForm(options);
          if (notAForm) return notAForm;
          const result = await run(context);
          if (mayHaveWritten(nameOf(action), result)) await refreshFindings();
          return result;
        },
      ),
  );
}

/**
 * Whether the call may have changed what the findings rules read: a mutation that was not refused
 * outright (a failed step can still have recorded something). The findings are then recomputed
 * before the action answers, so that the next page load shows them (issue 15 §2).
 */
export function mayHaveWritten(action: Action, result: ActionResult<unknown>): boolean {
  if (!isMutation(action)) return false;
  return result.ok || !['unauthenticated', 'forbidden', 'invalid_input'].includes(result.error.code);
}

export async function withDashboardClient<T>(
  action: ActionName,
  run: (context: RequestContext, client: DashboardClient) => Promise<ActionResult<T>>,
  options?: FormActionOptions,
): Promise<ActionResult<T>> {
  return asSignedInUser(
    action,
    async (context) => {
      const client = getDashboardClient();
      if (!client) return fail('internal', `Keywarden has no connection to the ${configuredVendor().productName} API; see Settings.`);
      return run(context, client);
    },
    options,
  );
}

/** What the actions that take a pasted token need besides the dashboard's client. */
export function tokenDepsWith(dashboard: DashboardClient): TokenDeps {
  return {
    dashboard,
    clientForToken: (token) => {
      const client = createClientForToken(token);
      if (!client) throw new Error('no Platform.sh endpoint');
      return client;
    },
    fingerprintKey: getSecrets(getConfig()).fingerprint,
    pushConcurrency: getConfig().platformsh.pushConcurrency,
  };
}

// Server actions answer with typed results: an unexpected failure is logged and the user gets the
// generic message, never a stack trace (STYLE.md habit 3). Not a "use server" module: a helper.
import { fail, GENERIC_ERROR_MESSAGE, type ActionResult } from '@/lib/errors';
import { logger } from '@/lib/logger';

/** `actionName` may be a function: it is then read only if the action failed (after its session check). */
export async function answerUnexpectedErrors<T>(actionName: string | (() => string), run: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await run();
  } catch (error) {
    logger.error(`${typeof actionName === 'function' ? actionName() : actionName} failed`, { error });
    return fail('internal', GENERIC_ERROR_MESSAGE);
  }
}

'use server';
// Server actions of the Account page (each user's own password and sessions) and of the admins'
// Sessions page. Each takes its input as the fields of a real form (submitted without JavaScript)
// or as the same fields in a plain object (sent by the hydrated form); only the named fields are
// read, and only once the caller is known (never before the session check). The domain authorizes, validates, throttles and audits. A password is never logged,
// never stored in a result and never echoed back.
import { revalidatePath } from 'next/cache';
import { changeOwnPassword } from '@/lib/domain/account-password';
import { endOwnSessions, endUserSessions } from '@/lib/domain/sessions';
import type { ActionResult } from '@/lib/errors';
import { asSignedInUser } from './signed-in';

type Fields = FormData | Record<string, unknown> | null | undefined;

/** The named fields of a form submission or of a plain object; absent ones are left out. */
function pick(input: Fields, names: readonly string[]): Record<string, unknown> {
  const entries = names.map((name): [string, unknown] => [name, input instanceof FormData ? input.get(name) : input?.[name]]);
  return Object.fromEntries(entries.filter(([, value]) => value !== null && value !== undefined && value !== ''));
}

export async function changePasswordAction(_previous: ActionResult<{ endedSessions: number }> | null, input: Fields): Promise<ActionResult<{ endedSessions: number }>> {
  return asSignedInUser('account.change_password', async (context) => {
    const fields = { currentPassword: '', password: '', confirmPassword: '', ...pick(input, ['currentPassword', 'password', 'confirmPassword']) };
    const result = await changeOwnPassword(context, fields);
    if (result.ok) revalidatePath('/account');
    return result;
  });
}

/** `sessionId` ends that one of the caller's sessions; `scope=others` every one but this. */
export async function endOwnSessionsAction(_previous: ActionResult<{ ended: number }> | null, input: Fields): Promise<ActionResult<{ ended: number }>> {
  return asSignedInUser('account.end_sessions', async (context) => {
    const result = await endOwnSessions(context, pick(input, ['sessionId', 'scope']));
    if (result.ok) revalidatePath('/account');
    return result;
  });
}

/** Admins: one session of a user (`sessionId`), or all of the user's sessions. */
export async function endUserSessionsAction(_previous: ActionResult<{ ended: number }> | null, input: Fields): Promise<ActionResult<{ ended: number }>> {
  return asSignedInUser('user.end_sessions', async (context) => {
    const result = await endUserSessions(context, pick(input, ['userId', 'sessionId']));
    if (result.ok) revalidatePath('/users/sessions');
    return result;
  });
}

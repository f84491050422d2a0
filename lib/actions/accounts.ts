'use server';
// Actions for people who are not signed in yet: completing the first-run set-up and accepting an
// invitation. Each is gated by its one-time link (checked in the domain), not by a role.
import { currentClientAddress } from '@/lib/auth/session';
import { acceptInvitation, completeFirstAdminSetup } from '@/lib/domain/accounts';
import { fail, GENERIC_ERROR_MESSAGE, type ActionResult } from '@/lib/errors';
import { logger } from '@/lib/logger';

async function guarded<T>(name: string, run: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await run();
  } catch (error) {
    logger.error(`${name} failed`, { error });
    return fail('internal', GENERIC_ERROR_MESSAGE);
  }
}

export async function completeFirstAdminSetupAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  return guarded('first admin set-up', async () => completeFirstAdminSetup(input, await currentClientAddress()));
}

export async function acceptInvitationAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  return guarded('accept invitation', async () => acceptInvitation(input, await currentClientAddress()));
}

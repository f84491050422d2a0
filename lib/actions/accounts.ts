'use server';
// Actions for people who are not signed in yet: completing the first-run set-up and accepting an
// invitation. Each is gated by its one-time link (checked in the domain), not by a role.
import { currentClientAddress } from '@/lib/auth/session';
import { acceptInvitation, completeFirstAdminSetup } from '@/lib/domain/accounts';
import type { ActionResult } from '@/lib/errors';
import { answerUnexpectedErrors } from './unexpected';

export async function completeFirstAdminSetupAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  return answerUnexpectedErrors('first admin set-up', async () => completeFirstAdminSetup(input, await currentClientAddress()));
}

export async function acceptInvitationAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  return answerUnexpectedErrors('accept invitation', async () => acceptInvitation(input, await currentClientAddress()));
}

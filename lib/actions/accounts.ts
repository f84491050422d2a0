'use server';
// Actions for people who are not signed in yet: completing the first-run set-up and accepting an
// invitation. Each is gated by its one-time link (checked in the domain), not by a role.
import { auditEveryRefusal, type AuditAction } from '@/lib/audit/record';
import { currentClientAddress } from '@/lib/auth/session';
import { acceptInvitation, completeFirstAdminSetup } from '@/lib/domain/accounts';
import type { ActionResult } from '@/lib/errors';
import { answerUnexpectedErrors } from './unexpected';

/** A caller without a session: every failure is audited as a stranger's refusal (aggregated per address). */
async function asStranger<T>(action: AuditAction, run: (clientAddress: string | null) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  const clientAddress = await currentClientAddress();
  return auditEveryRefusal(
    async () => ({ action, actor: null, clientAddress }),
    () => answerUnexpectedErrors(action, () => run(clientAddress)),
  );
}

export async function completeFirstAdminSetupAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  return asStranger('setup.first_admin', (clientAddress) => completeFirstAdminSetup(input, clientAddress));
}

export async function acceptInvitationAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  return asStranger('invitation.accept', (clientAddress) => acceptInvitation(input, clientAddress));
}

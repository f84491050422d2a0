// Sandbox mode only: what the machine user itself would do in the Platform.sh Console, done through
// the simulator's console routes, so that a newcomer can walk through onboarding alone. Never
// available in live mode (the real machine user accepts its invitation from its e-mail).
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import type { PlatformshClient } from '@/lib/platformsh';
import { machineUserRefSchema } from '@/lib/validations/machine-users';
import { activeSandboxEndpoint } from '@/lib/domain/platformsh-connection';
import type { RequestContext } from '../context';
import { trackMachineUsers } from './tracking';

/** Accepts the machine user's pending invitation as the machine user would, then follows it. */
export async function acceptInvitationInSandbox(context: RequestContext, rawInput: unknown, client: PlatformshClient): Promise<ActionResult<{ state: string }>> {
  const endpoint = activeSandboxEndpoint();
  if (!endpoint) return fail('forbidden', 'Only sandbox mode can accept an invitation on the machine user’s behalf.');
  const parsed = machineUserRefSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Unknown machine user.');
  const db = getDb();
  const row = await db.machineUser.findUnique({ where: { id: parsed.data.machineUserId } });
  if (!row || !authorize(context.actor, 'machine_user.manage_invitation', { projectId: row.projectId }).allowed) {
    return fail('not_found', 'There is no such machine user, or its project is not assigned to you.');
  }
  if (!row.invitationId || (row.state !== 'invited' && row.state !== 'expired')) return fail('conflict', 'There is no pending invitation to accept.');
  const response = await fetch(new URL(`/_console/invitations/${encodeURIComponent(row.invitationId)}/accept`, endpoint.apiUrl), { method: 'POST' });
  if (!response.ok) return fail('conflict', 'The simulator did not accept the invitation: it may have been cancelled. Check the invitation again.');
  await recordAudit(db, {
    actor: context.actor,
    action: 'machine_user.sandbox_accepted',
    outcome: 'succeeded',
    clientAddress: context.clientAddress,
    target: { type: 'machine_user', id: row.id },
    details: { invitationId: row.invitationId },
  });
  await trackMachineUsers(db, client, row.projectId, { context });
  const after = await db.machineUser.findUniqueOrThrow({ where: { id: row.id }, select: { state: true } });
  return ok({ state: after.state });
}

/**
 * Sandbox mode: the simulator's Console page where the machine user creates an API token (shown
 * there once). Keywarden links to it and never sees the value until it is pasted.
 */
export function sandboxTokenConsoleUrl(platformshUserId: string | null): string | undefined {
  const endpoint = activeSandboxEndpoint();
  if (!endpoint || !platformshUserId) return undefined;
  const url = new URL(`/_console/users/${encodeURIComponent(platformshUserId)}/api-tokens/new`, endpoint.apiUrl);
  url.searchParams.set('name', 'Keywarden cron');
  return url.toString();
}

// Inviting a per-project machine user (issue 4). Two phases, so that no database transaction stays
// open across a call to Platform.sh and nothing half-done goes unrecorded:
//   1. authorize → validate → check the rules → record the machine user (state invited, invitation
//      "sending") with its audit row, under a lock;
//   2. create the invitation on Platform.sh, then record what happened. When the answer is lost or
//      ambiguous, Keywarden reads the project's invitations before saying anything, and links an
//      invitation that was in fact created (or an access that already exists).
import { randomUUID } from 'node:crypto';
import { getDb } from '@/lib/db';
import { AppError, ok, type ActionResult } from '@/lib/errors';
import { fromPermissions, toInvitationRoles, toPermissions } from '@/lib/machine-users/roles';
import { isPlatformshError, type Invitation, type PlatformshClient } from '@/lib/platformsh';
import { inviteMachineUserSchema } from '@/lib/validations/machine-users';
import type { RequestContext } from '../context';
import { runMutation, type Transaction } from '../mutation';
import { assertWithinGrantLimit } from './grant-limit';
import { linkExistingAccess } from './tracking';
import { describePlatformshFailure, lockMachineUserChanges, mayHaveApplied, recordStep } from './steps';

export interface InvitationOutcome {
  machineUserId: string;
  /** invited: the invitation is out; linked: one that already existed was found and linked;
   *  failed: nothing was created on Platform.sh; unknown: Keywarden could not tell (the next sync checks). */
  outcome: 'invited' | 'linked' | 'failed' | 'unknown';
  message: string;
}

/** States in which a machine user still counts for the one-per-project-and-purpose rule. */
const LIVE_STATES = ['invited', 'active', 'expired'] as const;

async function assertOwners(tx: Transaction, ownerId: string, backupOwnerId: string | null | undefined): Promise<void> {
  const ids = [ownerId, ...(backupOwnerId ? [backupOwnerId] : [])];
  const owners = await tx.user.findMany({ where: { id: { in: ids }, disabledAt: null }, select: { id: true } });
  const found = new Set(owners.map((owner) => owner.id));
  if (!found.has(ownerId)) throw new AppError('invalid_input', 'Choose an owner among the active dashboard users.', { ownerId: ['Choose an active dashboard user.'] });
  if (backupOwnerId && !found.has(backupOwnerId)) {
    throw new AppError('invalid_input', 'Choose a backup owner among the active dashboard users.', { backupOwnerId: ['Choose an active dashboard user.'] });
  }
}

/** The rules an admin may override with a written reason (the reason goes to the audit log). */
async function overridesNeeded(tx: Transaction, input: { projectId: string; purpose: string; email: string }): Promise<string[]> {
  const sameAddress = await tx.machineUser.findMany({ where: { email: input.email, state: { not: 'removed' } }, select: { projectId: true } });
  if (sameAddress.some((other) => other.projectId === input.projectId)) {
    throw new AppError('invalid_input', 'This address already belongs to a machine user of this project.', { email: ['Already used on this project.'] });
  }
  const reasons: string[] = [];
  if (sameAddress.length > 0) reasons.push(`the address already serves ${sameAddress.length === 1 ? 'another project' : `${sameAddress.length} other projects`}`);
  const samePurpose = await tx.machineUser.count({ where: { projectId: input.projectId, purpose: input.purpose as never, state: { in: [...LIVE_STATES] } } });
  if (samePurpose > 0) reasons.push('the project already has a machine user for this purpose');
  return reasons;
}

/** Phase 1 and 2 of an invitation; see the file's header. */
export async function inviteMachineUser(context: RequestContext, rawInput: unknown, client: PlatformshClient): Promise<ActionResult<InvitationOutcome>> {
  const machineUserId = randomUUID();
  const recorded = await runMutation(
    context,
    {
      action: 'machine_user.invite',
      schema: inviteMachineUserSchema,
      target: () => ({ type: 'machine_user', id: machineUserId }),
      // The project is the record: its id is checked to exist below, under the lock.
      resource: async (input) => ({ projectId: input.projectId }),
      run: async (tx, input) => {
        assertWithinGrantLimit(context.actor, input.purpose, input.roles);
        await lockMachineUserChanges(tx);
        const project = await tx.project.findUnique({ where: { id: input.projectId } });
        if (!project || project.missingSince) throw new AppError('not_found', 'That project is not in the inventory (any more). Sync and try again.');
        await assertOwners(tx, input.ownerId, input.backupOwnerId);
        const dashboard = await tx.dashboardAccount.findUnique({ where: { id: 1 } });
        if (!dashboard) throw new AppError('conflict', `Keywarden does not know its own ${client.vendor.productName} account yet: run a sync on the Projects page first.`);
        if (dashboard.email.toLowerCase() === input.email) {
          throw new AppError('invalid_input', `That is the dashboard’s own ${client.vendor.productName} account.`, {
            email: ['This is the account behind the dashboard’s credential; a machine user needs an address of its own.'],
          });
        }
        const overrides = await overridesNeeded(tx, input);
        if (overrides.length > 0) {
          const rules = overrides.join(', and ');
          if (context.actor.role !== 'admin') throw new AppError('conflict', `Not allowed: ${rules}. Only an admin can override this, with a written reason.`);
          if (!input.overrideReason || input.overrideReason.length < 10) {
            throw new AppError('invalid_input', `An override is needed: ${rules}.`, {
              overrideReason: ['Write why this is needed (at least 10 characters); the reason is kept in the audit log.'],
            });
          }
        }
        const permissions = toPermissions(input.roles);
        const row = await tx.machineUser.create({
          data: {
            id: machineUserId,
            projectId: input.projectId,
            purpose: input.purpose,
            email: input.email,
            permissions,
            needsSshKey: input.needsSshKey,
            state: 'invited',
            invitationState: 'sending',
            ownerId: input.ownerId,
            backupOwnerId: input.backupOwnerId ?? null,
            reuseReason: overrides.length > 0 ? input.overrideReason : null,
            createdById: context.actor.id,
          },
        });
        return {
          data: row,
          // The admin's written reason for the override is the row's reason (issue 15 §6).
          reason: overrides.length > 0 ? (input.overrideReason ?? undefined) : undefined,
          details: {
            step: 'recorded',
            projectId: input.projectId,
            purpose: input.purpose,
            email: input.email,
            permissions,
            ...(overrides.length > 0 ? { override: { rules: overrides, reason: input.overrideReason ?? '' } } : {}),
          },
        };
      },
    },
    rawInput,
  );
  if (!recorded.ok) return recorded;
  const row = recorded.data;
  return ok(await sendInvitation(context, client, { id: row.id, projectId: row.projectId, email: row.email, permissions: row.permissions }, { force: false }));
}

interface InvitationTarget {
  id: string;
  projectId: string;
  email: string;
  permissions: string[];
}

/** The pending invitation for `email` on the project, if Platform.sh has one. */
async function findPendingInvitation(client: PlatformshClient, projectId: string, email: string): Promise<Invitation | undefined> {
  const pending = await client.listInvitations(projectId, { state: 'pending' });
  return pending.filter((invitation) => invitation.email.toLowerCase() === email).sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0];
}

/**
 * Phase 2: creates the invitation on Platform.sh (with `force`, replacing a pending one) and
 * records the outcome. Also used to re-send an invitation and to re-invite with other roles.
 */
export async function sendInvitation(
  context: RequestContext,
  client: PlatformshClient,
  target: InvitationTarget,
  options: { force: boolean },
): Promise<InvitationOutcome> {
  const db = getDb();
  const action = 'machine_user.invite' as const;
  const { role, permissions } = toInvitationRoles(fromPermissions(target.permissions));
  const invited = async (invitation: Invitation, outcome: 'invited' | 'linked', message: string): Promise<InvitationOutcome> => {
    await recordStep(db, context, {
      machineUserId: target.id,
      action,
      outcome: 'succeeded',
      details: { step: outcome === 'invited' ? 'invitation_sent' : 'invitation_linked', invitationId: invitation.id },
      update: { state: 'invited', invitationId: invitation.id, invitationState: invitation.state, invitationSentAt: new Date(invitation.createdAt ?? Date.now()), checkedAt: new Date(), lastError: null },
    });
    return { machineUserId: target.id, outcome, message };
  };
  const failed = async (message: string, reason: string): Promise<InvitationOutcome> => {
    await recordStep(db, context, {
      machineUserId: target.id,
      action,
      outcome: 'failed',
      reason,
      details: { step: 'invitation_failed' },
      update: { state: 'error', invitationState: 'not sent', lastError: message, checkedAt: new Date() },
    });
    return { machineUserId: target.id, outcome: 'failed', message };
  };

  try {
    const invitation = await client.createInvitation(target.projectId, { email: target.email, role, permissions, force: options.force });
    return invited(invitation, 'invited', `Invitation sent to ${target.email}. Keywarden follows it until it is accepted.`);
  } catch (error) {
    if (!isPlatformshError(error)) throw error;
    // A pending invitation for the address (maybe with other roles): replace it with ours.
    if (error.kind === 'conflict' && !options.force) return sendInvitation(context, client, target, { ...options, force: true });
    const failure = describePlatformshFailure(error);
    if (error.kind !== 'conflict' && !mayHaveApplied(error)) {
      return failed(`${client.vendor.productName} refused the invitation: ${failure} Nothing was created on ${client.vendor.productName}.`, failure);
    }
    // The answer says "already there" or was lost: read before concluding anything.
    try {
      const pending = await findPendingInvitation(client, target.projectId, target.email);
      if (pending) {
        return invited(pending, 'linked', `An invitation for ${target.email} is pending on ${client.vendor.productName} (${error.kind === 'conflict' ? 'it already existed' : 'the answer was lost, but it was created'}); Keywarden linked it.`);
      }
      if (error.kind === 'conflict' && (await linkExistingAccess(db, client, { ...target, context }))) {
        return { machineUserId: target.id, outcome: 'linked', message: `${target.email} already has access to this project; Keywarden linked the existing account with its current roles.` };
      }
      return failed(`${client.vendor.productName} did not confirm the invitation (${failure}), and none is pending: nothing was created. Try again.`, failure);
    } catch (readError) {
      const reason = `${failure}; then: ${describePlatformshFailure(readError)}`;
      await recordStep(db, context, {
        machineUserId: target.id,
        action,
        outcome: 'failed',
        reason,
        details: { step: 'invitation_unknown' },
        update: { invitationState: 'unknown', lastError: `${client.vendor.productName} did not confirm the invitation and could not be asked whether it exists. Keywarden checks again on the next sync.`, checkedAt: new Date() },
      });
      return { machineUserId: target.id, outcome: 'unknown', message: `${client.vendor.productName} did not confirm the invitation and could not be asked whether it exists. Keywarden checks again on the next sync; do not re-send before that.` };
    }
  }
}

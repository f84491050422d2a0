// Changing a machine user after its invitation: re-send or cancel the invitation, change its roles,
// remove it. Each is a mutation (authorize on the machine user's stored project → validate → record
// the request with its audit row), then the call to Platform.sh, then the outcome recorded.
import type { z } from 'zod';
import { getDb } from '@/lib/db';
import { AppError, fail, ok, type ActionResult } from '@/lib/errors';
import { diffRoles, fromPermissions, samePermissions, toPermissions, type Permission } from '@/lib/machine-users/roles';
import { isPlatformshError, type PlatformshClient, type UserAccess } from '@/lib/platformsh';
import { changeMachineRolesSchema, machineUserRefSchema, manageInvitationSchema, removeMachineUserSchema } from '@/lib/validations/machine-users';
import type { RequestContext } from '../context';
import { recordAccessChanged, recordAccessGranted, recordAccessRemoved } from '../inventory/own-writes';
import { runMutation, type MutationSpec, type Transaction } from '../mutation';
import { holding, loadMachineUser as loadMachineUserWithProject, pastedValues, verifyIdentity, withTokenClient, type TokenDeps } from '../tokens/push';
import { assertWithinGrantLimit } from './grant-limit';
import { sendInvitation, type InvitationOutcome } from './invite';
import { hasOpenTokens, revokeOpenTokens, type OffboardingOutcome } from './offboarding';
import { describePlatformshFailure, mayHaveApplied, recordStep } from './steps';

async function loadMachineUser(tx: Pick<Transaction, 'machineUser'>, machineUserId: string) {
  const row = await tx.machineUser.findUnique({ where: { id: machineUserId } });
  if (!row) throw new AppError('not_found', 'That machine user no longer exists.');
  return row;
}

/** The resource of a machine-user mutation: its stored project, never the input's word for it. */
function onStoredProject<Schema extends z.ZodType<{ machineUserId: string }>>(): Pick<MutationSpec<Schema, unknown>, 'resource' | 'target'> {
  return {
    target: (input) => ({ type: 'machine_user', id: input.machineUserId }),
    resource: async (input, db) => ({ projectId: (await db.machineUser.findUnique({ where: { id: input.machineUserId }, select: { projectId: true } }))?.projectId }),
  };
}

export interface StepOutcome {
  machineUserId: string;
  outcome: 'done' | 'failed' | 'unknown' | InvitationOutcome['outcome'];
  message: string;
}

// ---- invitation: re-send or cancel -------------------------------------------------------------

export async function manageInvitation(context: RequestContext, rawInput: unknown, client: PlatformshClient): Promise<ActionResult<StepOutcome>> {
  const requested = await runMutation(
    context,
    {
      action: 'machine_user.manage_invitation',
      auditAction: (input) => (input.operation === 'resend' ? 'machine_user.resend_invitation' : 'machine_user.cancel_invitation'),
      schema: manageInvitationSchema,
      ...onStoredProject<typeof manageInvitationSchema>(),
      run: async (tx, input) => {
        const row = await loadMachineUser(tx, input.machineUserId);
        if (input.operation === 'resend' && !['invited', 'expired', 'cancelled', 'error'].includes(row.state)) {
          throw new AppError('conflict', `This machine user is ${row.state}: there is no invitation to re-send.`);
        }
        if (input.operation === 'cancel' && !(['invited', 'expired'].includes(row.state) && row.invitationId)) {
          throw new AppError('conflict', 'There is no pending invitation to cancel.');
        }
        return { data: { row, operation: input.operation }, details: { step: 'requested', operation: input.operation } };
      },
    },
    rawInput,
  );
  if (!requested.ok) return requested;
  const { row, operation } = requested.data;
  if (operation === 'resend') {
    return ok(await sendInvitation(context, client, { id: row.id, projectId: row.projectId, email: row.email, permissions: row.permissions }, { force: true }));
  }

  const db = getDb();
  try {
    await client.cancelInvitation(row.projectId, row.invitationId ?? '');
  } catch (error) {
    // Already gone (404) or no longer pending (409/400): the invitation is not pending either way.
    const gone = isPlatformshError(error) && (error.kind === 'not_found' || error.kind === 'conflict' || error.kind === 'invalid');
    if (!gone) {
      const failure = describePlatformshFailure(error);
      await recordStep(db, context, { machineUserId: row.id, action: 'machine_user.cancel_invitation', outcome: 'failed', reason: failure, details: { step: 'cancel_failed' } });
      const maybe = isPlatformshError(error) && mayHaveApplied(error);
      return ok({
        machineUserId: row.id,
        outcome: maybe ? 'unknown' : 'failed',
        message: maybe
          ? `${client.vendor.productName} did not confirm the cancellation (${failure}). Keywarden checks the invitation on the next sync.`
          : `The invitation could not be cancelled: ${failure} It is still pending.`,
      });
    }
  }
  await recordStep(db, context, {
    machineUserId: row.id,
    action: 'machine_user.cancel_invitation',
    outcome: 'succeeded',
    details: { step: 'cancelled', invitationId: row.invitationId },
    update: { state: 'cancelled', invitationState: 'cancelled', lastError: null, checkedAt: new Date() },
  });
  return ok({ machineUserId: row.id, outcome: 'done', message: `The invitation to ${row.email} is cancelled.` });
}

// ---- roles ------------------------------------------------------------------------------------

export async function changeMachineUserRoles(context: RequestContext, rawInput: unknown, client: PlatformshClient): Promise<ActionResult<StepOutcome>> {
  const requested = await runMutation(
    context,
    {
      action: 'machine_user.change_roles',
      schema: changeMachineRolesSchema,
      ...onStoredProject<typeof changeMachineRolesSchema>(),
      run: async (tx, input) => {
        const row = await loadMachineUser(tx, input.machineUserId);
        if (!['invited', 'expired', 'active'].includes(row.state)) throw new AppError('conflict', `This machine user is ${row.state}: its roles cannot change.`);
        const current = fromPermissions(row.permissions);
        const changes = diffRoles(current, input.roles);
        if (changes.length === 0) throw new AppError('invalid_input', 'These are already its roles: nothing to change.', { roles: ['Choose different roles.'] });
        assertWithinGrantLimit(context.actor, row.purpose, input.roles, current);
        const permissions = toPermissions(input.roles);
        return { data: { row, permissions }, details: { step: 'requested', from: row.permissions, to: permissions } };
      },
    },
    rawInput,
  );
  if (!requested.ok) return requested;
  const { row, permissions } = requested.data;

  if (row.state !== 'active' || !row.platformshUserId) {
    // Not accepted yet: the invitation is replaced by one with the new roles.
    await getDb().machineUser.update({ where: { id: row.id }, data: { permissions } });
    const sent = await sendInvitation(context, client, { id: row.id, projectId: row.projectId, email: row.email, permissions }, { force: true });
    return ok(sent);
  }
  return ok(await applyAccessChange(context, client, { id: row.id, projectId: row.projectId, userId: row.platformshUserId, permissions }));
}

/**
 * Re-applies the approved roles (issue 15 §3): sets the machine user's access on Platform.sh back to
 * the permissions Keywarden recorded, after someone changed them — or removed the access — outside
 * Keywarden. The same journalled access change as Change roles, under the same permission, audited
 * as `machine_user.reapply_roles`; unlike a change, the roles asked for are the recorded ones, so
 * "no change" is not a refusal here. It never grants more than was approved, so the onboarder grant
 * limit (which lets what an admin granted be kept) has nothing to refuse.
 */
export async function reapplyMachineUserRoles(context: RequestContext, rawInput: unknown, client: PlatformshClient): Promise<ActionResult<StepOutcome>> {
  const requested = await runMutation(
    context,
    {
      action: 'machine_user.change_roles',
      auditAction: () => 'machine_user.reapply_roles',
      schema: machineUserRefSchema,
      ...onStoredProject<typeof machineUserRefSchema>(),
      run: async (tx, input) => {
        const row = await loadMachineUser(tx, input.machineUserId);
        // Active, or in error because its access was removed outside Keywarden: an account exists.
        if (!row.platformshUserId || !['active', 'error'].includes(row.state)) {
          throw new AppError('conflict', `This machine user is ${row.state}${row.platformshUserId ? '' : ' and has no ${client.vendor.productName} account yet'}: there is no access to re-apply.`);
        }
        const permissions = toPermissions(fromPermissions(row.permissions));
        return { data: { row, permissions }, details: { step: 'requested', permissions } };
      },
    },
    rawInput,
  );
  if (!requested.ok) return requested;
  const { row, permissions } = requested.data;
  return ok(
    await applyAccessChange(context, client, { id: row.id, projectId: row.projectId, userId: row.platformshUserId!, permissions }, { action: 'machine_user.reapply_roles', grantIfGone: true }),
  );
}

async function applyAccessChange(
  context: RequestContext,
  client: PlatformshClient,
  target: { id: string; projectId: string; userId: string; permissions: Permission[] },
  options: {
    action: 'machine_user.change_roles' | 'machine_user.reapply_roles';
    /** Re-apply: an access removed outside Keywarden is granted again (the account still exists). */
    grantIfGone: boolean;
  } = { action: 'machine_user.change_roles', grantIfGone: false },
): Promise<StepOutcome> {
  const db = getDb();
  const { action } = options;
  const done = action === 'machine_user.reapply_roles' ? `The approved roles are in effect on ${client.vendor.productName} again.` : `The new roles are in effect on ${client.vendor.productName}.`;
  /** `read`: the access as just read from Platform.sh (after a re-grant, or to settle a lost answer). */
  const succeeded = async (permissions: string[], note: string, read?: { access: UserAccess; step: 'granted' | 'confirmed' }): Promise<StepOutcome> => {
    await recordStep(db, context, {
      machineUserId: target.id,
      action,
      outcome: 'succeeded',
      details: { step: read?.step ?? 'applied', permissions },
      // A re-apply brings a machine user whose access was removed back to active.
      update: { permissions, lastError: null, checkedAt: new Date(), ...(options.grantIfGone ? { state: 'active' as const } : {}) },
      inventory: (tx) => (read ? recordAccessGranted(tx, read.access) : recordAccessChanged(tx, target.projectId, target.userId, permissions)),
    });
    return { machineUserId: target.id, outcome: 'done', message: note };
  };
  try {
    try {
      await client.updateUserAccess(target.projectId, target.userId, target.permissions);
    } catch (error) {
      if (!(options.grantIfGone && isPlatformshError(error) && error.kind === 'not_found')) throw error;
      // No access to change: it was removed outside Keywarden. Grant it again, then read it back
      // for the inventory (and as the confirmation).
      await client.grantUserAccess(target.projectId, target.userId, target.permissions);
      const granted = await client.getUserAccess(target.projectId, target.userId);
      return succeeded(granted.permissions, 'Its access was granted again, with the approved roles.', { access: granted, step: 'granted' });
    }
    return succeeded(target.permissions, done);
  } catch (error) {
    const failure = describePlatformshFailure(error);
    if (isPlatformshError(error) && mayHaveApplied(error)) {
      try {
        const current = await client.getUserAccess(target.projectId, target.userId);
        if (samePermissions(current.permissions, target.permissions)) {
          return succeeded(current.permissions, `The answer was lost, but ${client.vendor.productName} shows the ${action === 'machine_user.reapply_roles' ? 'approved' : 'new'} roles in effect.`, { access: current, step: 'confirmed' });
        }
      } catch {
        // Reported below as unknown.
      }
      await recordStep(db, context, { machineUserId: target.id, action, outcome: 'failed', reason: failure, details: { step: 'unknown' } });
      return { machineUserId: target.id, outcome: 'unknown', message: `${client.vendor.productName} did not confirm the change (${failure}). The next sync shows which roles are in effect.` };
    }
    await recordStep(db, context, { machineUserId: target.id, action, outcome: 'failed', reason: failure, details: { step: 'refused' } });
    return { machineUserId: target.id, outcome: 'failed', message: `${client.vendor.productName} refused the change: ${failure} The previous roles are still in effect.` };
  }
}

// ---- removal ----------------------------------------------------------------------------------

/**
 * Removes the machine user — offboarding, not only taking it off the project: by default its open
 * tokens are revoked first (their env:PLATFORMSH_CLI_TOKEN deleted on every environment, the tokens
 * deleted on Platform.sh when a live token of the machine user is given, otherwise left as open
 * tasks), then its access is revoked (or its invitation cancelled) on Platform.sh, and the record is
 * kept as removed. Asked again for a removed machine user with open tokens, it finishes revoking them.
 */
export async function removeMachineUser(context: RequestContext, rawInput: unknown, deps: TokenDeps): Promise<ActionResult<StepOutcome>> {
  const liveToken = pastedValues(rawInput, 'liveToken')[0];
  return liveToken ? holding(liveToken, () => removeHoldingToken(context, rawInput, deps)) : removeHoldingToken(context, rawInput, deps);
}

async function removeHoldingToken(context: RequestContext, rawInput: unknown, deps: TokenDeps): Promise<ActionResult<StepOutcome>> {
  const requested = await runMutation(
    context,
    {
      action: 'machine_user.remove',
      schema: removeMachineUserSchema,
      ...onStoredProject<typeof removeMachineUserSchema>(),
      run: async (tx, input) => {
        const row = await loadMachineUser(tx, input.machineUserId);
        const finishing = row.state === 'removed';
        if (finishing && !(input.revokeTokens && (await hasOpenTokens(tx, row.id)))) throw new AppError('conflict', 'This machine user is already removed.');
        if (input.confirmEmail !== row.email) {
          throw new AppError('invalid_input', 'Type the machine user’s address to confirm.', { confirmEmail: [`Type ${row.email} exactly.`] });
        }
        return {
          // Finishing what an earlier removal left open is an operation of its own on the log.
          ...(finishing ? { action: 'machine_user.finish_offboarding' as const } : {}),
          data: { row, finishing, revokeTokens: input.revokeTokens, liveToken: input.liveToken },
          details: { step: finishing ? 'finish_offboarding' : 'requested', state: row.state, revokeTokens: input.revokeTokens, liveTokenGiven: input.liveToken !== undefined },
        };
      },
    },
    rawInput,
  );
  if (!requested.ok) return requested;
  const { row, finishing, revokeTokens, liveToken } = requested.data;

  // The tokens first, while the machine user's record is still whole: nothing it leaves behind may
  // keep working after it is gone.
  let revoked: OffboardingOutcome = { messages: [], openTasks: [] };
  if (revokeTokens) {
    const outcome = await revokeWithLiveToken(context, deps, row, liveToken);
    if (!outcome.ok) return outcome;
    revoked = outcome.data;
  }
  const afterTokens = [...revoked.messages, ...(revoked.openTasks.length ? [`Still to do: ${revoked.openTasks.join(' ')}`] : [])].join(' ');
  if (finishing) {
    return ok({ machineUserId: row.id, outcome: revoked.openTasks.length ? 'failed' : 'done', message: afterTokens || 'Nothing was left to revoke.' });
  }

  const db = getDb();
  const client = deps.dashboard;
  let done: string;
  try {
    if (row.platformshUserId && (row.state === 'active' || row.state === 'error')) {
      await client.removeUserAccess(row.projectId, row.platformshUserId);
      done = `Its access to project ${row.projectId} was revoked on ${client.vendor.productName}.`;
    } else if (row.invitationId && (row.state === 'invited' || row.state === 'expired')) {
      await client.cancelInvitation(row.projectId, row.invitationId);
      done = `Its pending invitation was cancelled on ${client.vendor.productName}.`;
    } else {
      done = `It had no access and no pending invitation on ${client.vendor.productName}.`;
    }
  } catch (error) {
    const gone = isPlatformshError(error) && (error.kind === 'not_found' || (error.kind === 'conflict' && !row.platformshUserId));
    if (!gone) {
      const failure = describePlatformshFailure(error);
      const maybe = isPlatformshError(error) && mayHaveApplied(error);
      await recordStep(db, context, { machineUserId: row.id, action: 'machine_user.remove', outcome: 'failed', reason: failure, details: { step: maybe ? 'unknown' : 'refused' } });
      const tokens = afterTokens ? ` ${afterTokens}` : '';
      return ok({
        machineUserId: row.id,
        outcome: maybe ? 'unknown' : 'failed',
        message: maybe
          ? `${client.vendor.productName} did not confirm the removal (${failure}). The record is unchanged; the next sync shows whether the access is gone — then remove it again.${tokens}`
          : `${client.vendor.productName} refused the removal: ${failure} The machine user keeps its access.${tokens}`,
      });
    }
    done = `It was already gone from the project on ${client.vendor.productName}.`;
  }
  const removedUserId = row.platformshUserId;
  await recordStep(db, context, {
    machineUserId: row.id,
    action: 'machine_user.remove',
    outcome: 'succeeded',
    details: { step: 'removed', platformshUserId: row.platformshUserId, invitationId: row.invitationId, openTasks: revoked.openTasks },
    update: { state: 'removed', removedAt: new Date(), lastError: null, checkedAt: new Date() },
    inventory: removedUserId ? (tx) => recordAccessRemoved(tx, row.projectId, removedUserId) : undefined,
  });
  const left = revokeTokens ? afterTokens : 'Its tokens and their variables were left as they are.';
  return ok({ machineUserId: row.id, outcome: 'done', message: [`${row.email} is removed. ${done}`, left, 'The record stays, with its history.'].filter(Boolean).join(' ') });
}

/** Revokes the open tokens, with a live token proven to be this machine user's (T4) when one is given. */
async function revokeWithLiveToken(
  context: RequestContext,
  deps: TokenDeps,
  row: { id: string },
  liveToken: string | undefined,
): Promise<ActionResult<OffboardingOutcome>> {
  if (!liveToken) return revokeOpenTokens(context, deps, row.id, undefined);
  const machineUser = await loadMachineUserWithProject(row.id);
  if (!machineUser) return fail('not_found', 'That machine user no longer exists.');
  return withTokenClient(deps, liveToken, async (asUser) => {
    const identity = await verifyIdentity(asUser, machineUser, context.actor);
    if (!identity.ok) {
      await recordStep(getDb(), context, { machineUserId: row.id, action: 'machine_user.remove', outcome: 'refused', reason: `live token: ${identity.auditReason}`, details: { step: 'live_token_refused' } });
      return fail('invalid_input', identity.message.replace('Nothing was pushed.', 'Nothing was removed.'), { liveToken: ['Not a live token of this machine user.'] });
    }
    return revokeOpenTokens(context, deps, row.id, { asUser, userId: identity.userId });
  });
}

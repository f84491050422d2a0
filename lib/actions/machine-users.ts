'use server';
// Server actions of the machine-user pages. Each resolves the caller from the verified session and
// the dashboard's Platform.sh client; the domain authorizes, validates, acts and audits.
import { revalidatePath } from 'next/cache';
import type { Action } from '@/lib/auth/authorize';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser, type InvitationOutcome } from '@/lib/domain/machine-users/invite';
import { changeMachineUserRoles, manageInvitation, reapplyMachineUserRoles, removeMachineUser, type StepOutcome } from '@/lib/domain/machine-users/manage';
import { acceptInvitationInSandbox } from '@/lib/domain/machine-users/sandbox';
import { makeSandboxDrift } from '@/lib/domain/machine-users/sandbox-drift';
import type { ActionResult } from '@/lib/errors';
import { tokenDepsWith, withDashboardClient, type DashboardClient } from './signed-in';

async function withPlatformsh<T>(action: Action, run: (context: RequestContext, client: DashboardClient) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return withDashboardClient(action, async (context, client) => {
    const result = await run(context, client);
    // Even a failure may have recorded a step (an error state, an invitation found).
    revalidatePath('/machine-users', 'layout');
    revalidatePath('/projects', 'layout');
    return result;
  });
}

export async function inviteMachineUserAction(input: unknown): Promise<ActionResult<InvitationOutcome>> {
  return withPlatformsh('machine_user.invite', (context, client) => inviteMachineUser(context, input, client));
}

export async function manageInvitationAction(input: unknown): Promise<ActionResult<StepOutcome>> {
  return withPlatformsh('machine_user.manage_invitation', (context, client) => manageInvitation(context, input, client));
}

export async function changeMachineUserRolesAction(input: unknown): Promise<ActionResult<StepOutcome>> {
  return withPlatformsh('machine_user.change_roles', (context, client) => changeMachineUserRoles(context, input, client));
}

/** Role or membership drift: the approved roles set on Platform.sh again (the Findings view and the machine user's page). */
export async function reapplyMachineUserRolesAction(input: unknown): Promise<ActionResult<StepOutcome>> {
  return withPlatformsh('machine_user.change_roles', async (context, client) => {
    const result = await reapplyMachineUserRoles(context, input, client);
    revalidatePath('/review');
    return result;
  });
}

export async function removeMachineUserAction(input: unknown): Promise<ActionResult<StepOutcome>> {
  return withPlatformsh('machine_user.remove', async (context, client) => {
    const result = await removeMachineUser(context, input, tokenDepsWith(client));
    // Offboarding revokes tokens too.
    revalidatePath('/tokens');
    return result;
  });
}

export async function acceptInvitationInSandboxAction(input: unknown): Promise<ActionResult<{ state: string }>> {
  return withPlatformsh('machine_user.manage_invitation', (context, client) => acceptInvitationInSandbox(context, input, client));
}

export async function makeSandboxDriftAction(input: unknown): Promise<ActionResult<{ message: string }>> {
  return withPlatformsh('machine_user.change_roles', (context) => makeSandboxDrift(context, input));
}

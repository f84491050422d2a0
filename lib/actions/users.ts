'use server';
// Server actions for the Users page. Each one is a public POST endpoint (STYLE.md habit 2): it
// resolves the caller from the verified session here, and the domain function authorizes,
// validates, acts and audits. Input is passed on untouched because the domain is the real check.
import { revalidatePath } from 'next/cache';
import type { Action } from '@/lib/auth/authorize';
import { getConfig, type Role } from '@/lib/config';
import type { RequestContext } from '@/lib/domain/context';
import {
  assignProjects,
  changeUserRole,
  disableUser,
  enableUser,
  inviteUser,
  reissueInvitation,
  type InvitationLink,
} from '@/lib/domain/users';
import type { ActionResult } from '@/lib/errors';
import { asSignedInUser } from './signed-in';

/** Changes show on the Users page. */
async function onUsersPage<T>(action: Action, run: (context: RequestContext) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return asSignedInUser(action, async (context) => {
    const result = await run(context);
    if (result.ok) revalidatePath('/users');
    return result;
  });
}

export async function inviteUserAction(input: unknown): Promise<ActionResult<InvitationLink>> {
  return onUsersPage('user.invite', (context) => inviteUser(context, input, getConfig().publicUrl));
}

export async function reissueInvitationAction(input: unknown): Promise<ActionResult<InvitationLink>> {
  return onUsersPage('user.reissue_invitation', (context) => reissueInvitation(context, input, getConfig().publicUrl));
}

export async function changeUserRoleAction(input: unknown): Promise<ActionResult<{ role: Role }>> {
  return onUsersPage('user.change_role', (context) => changeUserRole(context, input));
}

export async function assignProjectsAction(input: unknown): Promise<ActionResult<{ projectIds: string[] }>> {
  return onUsersPage('user.assign_projects', (context) => assignProjects(context, input));
}

export async function disableUserAction(input: unknown): Promise<ActionResult<{ disabled: true }>> {
  return onUsersPage('user.disable', (context) => disableUser(context, input));
}

export async function enableUserAction(input: unknown): Promise<ActionResult<{ enabled: true }>> {
  return onUsersPage('user.enable', (context) => enableUser(context, input));
}

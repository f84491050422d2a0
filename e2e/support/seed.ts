// Seeding dashboard users quickly, through the same server actions the UI calls: the admin's
// "invite user" and the invitee's "accept invitation", captured once from the real UI by the
// accounts set-up project and replayed here with new arguments.
import type { APIRequestContext } from '@playwright/test';
import { signInOrThrow } from './auth';
import { paths } from './paths';
import { readJson } from './server-state';
import { replayAction, type CapturedAction } from './server-actions';
import { uniqueEmail, uniquePassword, type Credentials } from './test';

export type Role = 'admin' | 'onboarder' | 'reviewer';

export interface CapturedActions {
  inviteUser: CapturedAction;
  acceptInvitation: CapturedAction;
}

export interface InvitationLink {
  userId: string;
  url: string;
  expiresAt: string;
}

export interface SeededUser extends Credentials {
  userId: string;
  role: Role;
}

export function readCapturedActions(): CapturedActions {
  return readJson<CapturedActions>(paths.actions(), 'The captured server actions file');
}

/** The admin's "invite user" action, replayed with new input; returns the one-time link. */
export async function inviteByAction(
  admin: APIRequestContext,
  input: { email: string; role: Role; name?: string; projectIds?: string[] },
): Promise<InvitationLink> {
  const { inviteUser } = readCapturedActions();
  const { result } = await replayAction<InvitationLink>(admin, inviteUser, {
    args: [{ email: input.email, name: input.name ?? '', role: input.role, projectIds: input.projectIds ?? [] }],
  });
  if (!result.ok) throw new Error(`Inviting ${input.email} failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

/** The invitee's "accept invitation" action, posted from the invitation page's URL. */
export async function acceptByAction(client: APIRequestContext, invitationUrl: string, password: string, name = ''): Promise<void> {
  const { acceptInvitation } = readCapturedActions();
  const token = new URL(invitationUrl).pathname.split('/').pop() ?? '';
  const { result } = await replayAction(client, acceptInvitation, {
    url: invitationUrl,
    args: [{ token, name, password, confirmPassword: password }],
  });
  if (!result.ok) throw new Error(`Accepting ${invitationUrl} failed: ${JSON.stringify(result.error)}`);
}

/**
 * A new, active dashboard user of `role` (invited by the admin, invitation accepted). With
 * `signInWith`, that client is signed in as the new user.
 */
export async function seedUser(
  admin: APIRequestContext,
  client: APIRequestContext,
  options: { role: Role; label?: string; name?: string; projectIds?: string[]; baseUrl: string; signIn?: boolean },
): Promise<SeededUser> {
  const email = uniqueEmail(options.label ?? options.role);
  const password = uniquePassword();
  const link = await inviteByAction(admin, { email, role: options.role, name: options.name, projectIds: options.projectIds });
  await acceptByAction(client, link.url, password, options.name);
  if (options.signIn) await signInOrThrow(client, options.baseUrl, { email, password });
  return { email, password, userId: link.userId, role: options.role };
}

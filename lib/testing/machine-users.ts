// Machine-user test helpers: the simulator's invitations and grants for an address, accepting an
// invitation the way the invitee would (the Console route), and valid wizard input.
import { randomBytes } from 'node:crypto';
import { PRESETS, type Purpose } from '@/lib/machine-users/roles';
import type { RunningSimulator } from '@/lib/platformsh/simulator';

/** A fresh machine-user address (lower-case, as stored). */
export function machineEmail(label = 'bot'): string {
  return `bots+${label}-${randomBytes(5).toString('hex')}@example.com`;
}

/** The simulator's invitations (every state) for `email` on the project, oldest first. */
export function storeInvitations(simulator: RunningSimulator, projectId: string, email: string) {
  const project = simulator.store.projects.get(projectId);
  if (!project) throw new Error(`no project ${projectId} in the simulator`);
  return [...project.invitations.values()].filter((invitation) => invitation.email.toLowerCase() === email.toLowerCase()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The project access of the simulator's account with this address, if any (permissions sorted). */
export function storeAccess(simulator: RunningSimulator, projectId: string, email: string): { userId: string; permissions: string[] } | undefined {
  const user = simulator.store.findUserByEmail(email);
  const grant = user ? simulator.store.projects.get(projectId)?.access.get(user.id) : undefined;
  return grant && user ? { userId: user.id, permissions: [...grant.permissions].sort() } : undefined;
}

/** The invitee accepts, through the simulator's Console route (over HTTP, as sandbox mode does). */
export async function acceptInvitation(simulator: RunningSimulator, invitationId: string): Promise<{ user_id: string; email: string }> {
  const response = await fetch(`${simulator.url}/_console/invitations/${encodeURIComponent(invitationId)}/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!response.ok) throw new Error(`accepting ${invitationId}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { user_id: string; email: string };
}

/** Valid input for inviteMachineUser with the purpose's preset roles. */
export function inviteInput(options: { projectId: string; ownerId: string; purpose?: Purpose; email?: string; backupOwnerId?: string | null; overrideReason?: string }) {
  const purpose = options.purpose ?? 'backups';
  return {
    projectId: options.projectId,
    purpose,
    email: options.email ?? machineEmail(purpose),
    roles: PRESETS[purpose].roles,
    needsSshKey: PRESETS[purpose].needsSshKey,
    ownerId: options.ownerId,
    ...(options.backupOwnerId !== undefined ? { backupOwnerId: options.backupOwnerId } : {}),
    ...(options.overrideReason !== undefined ? { overrideReason: options.overrideReason } : {}),
  };
}

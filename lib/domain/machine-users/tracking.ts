// Following machine users on Platform.sh: an invitation until it is accepted (then the account it
// created is linked), and an active machine user's access (removed or changed outside Keywarden).
// Run by the inventory sync for every project with such machine users, and on demand from a machine
// user's page. Changes observed here are audited with Keywarden itself as the actor.
import type { KnownAuditAction } from '@/lib/audit/actions';
import { authorize } from '@/lib/auth/authorize';
import { getDb, type Database } from '@/lib/db';
import type { MachineUserState } from '@/lib/db/generated/enums';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { describePermissions, samePermissions } from '@/lib/machine-users/roles';
import { isPlatformshError, type InvitationState, type PlatformshClient, type UserAccess } from '@/lib/platformsh';
import { machineUserIdSchema } from '@/lib/validations/machine-users';
import type { RequestContext } from '../context';
import { recordAccessGranted, rememberAccount } from '../inventory/own-writes';
import { describePlatformshFailure, recordStep } from './steps';
import { VENDOR_PROFILES, VENDORS, type VendorProfile } from '@/lib/vendor';

/** The API has no "expired" state; an invitation still pending after this long is shown as expired. */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** An invitation whose sending was never confirmed and that Platform.sh does not list after this long was not created. */
const UNCONFIRMED_GRACE_MS = 10 * 60 * 1000;
const ALL_INVITATION_STATES: InvitationState[] = ['pending', 'processing', 'accepted', 'cancelled', 'error'];
/** Machine users whose state can change on Platform.sh. */
export const TRACKED_STATES = ['invited', 'expired', 'active', 'error'] as const;

const rolesChangedPrefix = (vendor: VendorProfile) => `Its roles on ${vendor.productName} were changed outside Keywarden`;

/** What the machine user's page says while its roles on the vendor are not the approved ones. */
export function rolesChangedNote(live: readonly string[], vendor: VendorProfile): string {
  return `${rolesChangedPrefix(vendor)}: ${vendor.productName} has ${describePermissions(live)}. Re-apply the approved roles, or change them if the change was intended.`;
}

/** A stored note is recognised whichever vendor's words it was written in (the vendor may have changed since). */
const isRolesChangedNote = (lastError: string | null) => lastError !== null && VENDORS.some((vendor) => lastError.startsWith(rolesChangedPrefix(VENDOR_PROFILES[vendor])));

/** Records the account behind the dashboard's credential (never to be offered as a machine user). */
export async function recordDashboardAccount(db: Database, client: PlatformshClient, now = new Date()): Promise<void> {
  const me = await client.getCurrentUser();
  const data = { userId: me.id, email: me.email.toLowerCase(), checkedAt: now };
  await db.dashboardAccount.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  await rememberAccount(db, me, now);
}

/** Accounts Keywarden already knows: its machine users' (by address) and the dashboard's own. */
type KnownAccount = { userId: string; email: string | null };

async function knownAccounts(db: Database): Promise<KnownAccount[]> {
  const [machineUsers, dashboard] = await Promise.all([
    db.machineUser.findMany({ where: { platformshUserId: { not: null } }, select: { platformshUserId: true, email: true } }),
    db.dashboardAccount.findUnique({ where: { id: 1 } }),
  ]);
  return [
    ...machineUsers.flatMap((row) => (row.platformshUserId ? [{ userId: row.platformshUserId, email: row.email }] : [])),
    ...(dashboard ? [{ userId: dashboard.userId, email: null }] : []),
  ];
}

/** The project's access entry of the account with this e-mail address (one user lookup per unknown account). */
async function findAccessByEmail(
  db: Database,
  client: PlatformshClient,
  projectId: string,
  email: string,
  access?: UserAccess[],
  accounts?: KnownAccount[],
): Promise<UserAccess | undefined> {
  const grants = access ?? (await client.listUserAccess(projectId));
  // Accounts Keywarden already knows under another address are not looked up again.
  const known = new Set((accounts ?? (await knownAccounts(db))).filter((account) => account.email !== email).map((account) => account.userId));
  for (const grant of grants) {
    if (known.has(grant.userId)) continue;
    try {
      const user = await client.getUser(grant.userId);
      await rememberAccount(db, user);
      if (user.email.toLowerCase() === email) return grant;
    } catch (error) {
      // An account outside the organisation (403) or deleted (404) is not the one sought.
      if (isPlatformshError(error) && (error.kind === 'forbidden' || error.kind === 'not_found')) continue;
      throw error;
    }
  }
  return undefined;
}

/** Links a machine user to an account that already has access to its project; false when none does. */
export async function linkExistingAccess(
  db: Database,
  client: PlatformshClient,
  target: { id: string; projectId: string; email: string; context: RequestContext | null },
): Promise<boolean> {
  const grant = await findAccessByEmail(db, client, target.projectId, target.email);
  if (!grant) return false;
  await recordStep(db, target.context, {
    machineUserId: target.id,
    action: 'machine_user.access_linked',
    outcome: 'succeeded',
    details: { platformshUserId: grant.userId, permissions: grant.permissions },
    update: { state: 'active', platformshUserId: grant.userId, permissions: grant.permissions, invitationState: 'accepted', acceptedAt: new Date(), lastError: null, checkedAt: new Date() },
    inventory: (tx) => recordAccessGranted(tx, grant),
  });
  return true;
}

/**
 * Asks Platform.sh about the project's machine users that can still change, and records what
 * changed. `access` is the project's access list when the caller already read it (the sync).
 */
export async function trackMachineUsers(db: Database, client: PlatformshClient, projectId: string, options: { access?: UserAccess[]; now?: Date; context?: RequestContext | null } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const context = options.context ?? null;
  const machineUsers = await db.machineUser.findMany({ where: { projectId, state: { in: [...TRACKED_STATES] } } });
  if (machineUsers.length === 0) return 0;
  const waiting = machineUsers.filter((row) => row.state === 'invited' || row.state === 'expired' || (row.state === 'error' && row.invitationState === 'unknown'));
  const invitations = waiting.length > 0 ? await client.listInvitations(projectId, { states: ALL_INVITATION_STATES }) : [];
  // The sync passes the access list it read before this call; an acceptance or a role change made
  // since would be missing from it. So a disagreement with that list (no grant, other roles) is
  // confirmed with a fresh read before it is recorded.
  let access = options.access;
  let accessIsFresh = access === undefined;
  const accessList = async () => (access ??= await client.listUserAccess(projectId));
  // Read once per call, and only when an acceptance is seen: the sync runs this for every project.
  let accounts: KnownAccount[] | undefined;
  const accountsOnce = async () => (accounts ??= await knownAccounts(db));
  const freshAccessList = async () => {
    if (!accessIsFresh) {
      access = await client.listUserAccess(projectId);
      accessIsFresh = true;
    }
    return accessList();
  };
  let changes = 0;
  // Each observation applies only if the record is still as read above: a removal or cancellation
  // made meanwhile (while Platform.sh was being asked) wins.
  const step = async (
    row: { id: string; state: MachineUserState },
    action: KnownAuditAction & `machine_user.${string}`,
    details: Record<string, string | string[] | null>,
    update: Parameters<typeof recordStep>[2]['update'],
    inventory?: Parameters<typeof recordStep>[2]['inventory'],
  ) => {
    if (await recordStep(db, context, { machineUserId: row.id, action, outcome: 'succeeded', details, update: { ...update, checkedAt: now }, ifStateIs: row.state, inventory })) changes += 1;
  };

  for (const row of waiting) {
    const invitation =
      invitations.find((candidate) => candidate.id === row.invitationId) ??
      // Sent but never confirmed: the newest invitation for the address is the one.
      (row.invitationId ? undefined : invitations.filter((candidate) => candidate.email.toLowerCase() === row.email).sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0]);
    if (!invitation) {
      if (!row.invitationId && now.getTime() - row.createdAt.getTime() > UNCONFIRMED_GRACE_MS) {
        await step(row, 'machine_user.invitation_missing', {}, { state: 'error', invitationState: 'not sent', lastError: `${client.vendor.productName} has no invitation for this address: it was never created. Re-send it.` });
      }
      continue;
    }
    if (invitation.state === 'accepted') {
      const grant =
        (await findAccessByEmail(db, client, projectId, row.email, await accessList(), await accountsOnce())) ??
        (accessIsFresh ? undefined : await findAccessByEmail(db, client, projectId, row.email, await freshAccessList(), await accountsOnce()));
      await step(
        row,
        'machine_user.invitation_accepted',
        {
          invitationId: invitation.id,
          platformshUserId: grant?.userId ?? null,
          // Accepted with other roles than Keywarden recorded (changed on Platform.sh meanwhile): the
          // record follows Platform.sh, and the audit row keeps both.
          ...(grant && !samePermissions(grant.permissions, row.permissions) ? { recordedPermissions: row.permissions, grantedPermissions: grant.permissions } : {}),
        },
        grant
          ? { state: 'active', invitationId: invitation.id, invitationState: 'accepted', platformshUserId: grant.userId, permissions: grant.permissions, acceptedAt: now, lastError: null }
          : { state: 'error', invitationId: invitation.id, invitationState: 'accepted', lastError: 'The invitation was accepted, but the account no longer has access to the project.' },
        // The account's grant, as just read: "Users with access" lists it at once, not after the next sync.
        grant ? (tx) => recordAccessGranted(tx, grant) : undefined,
      );
      continue;
    }
    const expired = invitation.state === 'pending' && invitation.createdAt !== null && now.getTime() - Date.parse(invitation.createdAt) > INVITATION_LIFETIME_MS;
    const state = invitation.state === 'cancelled' ? 'cancelled' : invitation.state === 'error' ? 'error' : expired ? 'expired' : 'invited';
    if (state !== row.state || invitation.id !== row.invitationId || invitation.state !== row.invitationState) {
      await step(row, `machine_user.invitation_${state}`, { invitationId: invitation.id, invitationState: invitation.state }, {
        state,
        invitationId: invitation.id,
        invitationState: invitation.state,
        lastError: state === 'error' ? `${client.vendor.productName} reports the invitation in error. Re-send it.` : null,
      });
    }
  }

  for (const row of machineUsers.filter((candidate) => candidate.state === 'active' && candidate.platformshUserId)) {
    const grantOf = (list: UserAccess[]) => list.find((candidate) => candidate.userId === row.platformshUserId);
    let grant = grantOf(await accessList());
    // A difference already reported (the same roles seen before) needs no second read.
    const news = !grant || (!samePermissions(grant.permissions, row.permissions) && row.lastError !== rolesChangedNote(grant.permissions, client.vendor));
    if (!accessIsFresh && news) grant = grantOf(await freshAccessList());
    if (!grant) {
      await step(row, 'machine_user.access_lost', { platformshUserId: row.platformshUserId }, { state: 'error', lastError: 'Its access to the project was removed outside Keywarden.' });
    } else if (!samePermissions(grant.permissions, row.permissions)) {
      // The record keeps the approved roles: the difference is role drift (the findings' drift.roles,
      // re-applied or accepted by a person, never "fixed" by a sync). Said and audited once per roles
      // seen: the note doubles as the marker that this change was already reported.
      const note = rolesChangedNote(grant.permissions, client.vendor);
      if (row.lastError !== note) await step(row, 'machine_user.roles_changed_outside', { from: row.permissions, to: grant.permissions }, { lastError: note });
    } else if (isRolesChangedNote(row.lastError)) {
      // Changed back to the approved roles outside Keywarden: nothing left to say.
      await db.machineUser.updateMany({ where: { id: row.id, state: row.state, lastError: row.lastError }, data: { lastError: null } });
    }
  }
  await db.machineUser.updateMany({ where: { id: { in: machineUsers.map((row) => row.id) } }, data: { checkedAt: now } });
  return changes;
}

/** Asks Platform.sh again at most this often per machine user (page polls and "Check now"). */
const CHECK_AT_MOST_EVERY_MS = 3000;

/**
 * The machine user's state, asked of Platform.sh first when it can still change (a pending
 * invitation, an active access). Readers may call it: it changes only Keywarden's copy.
 */
export async function checkMachineUser(
  context: RequestContext,
  machineUserId: string,
  client: PlatformshClient,
): Promise<ActionResult<{ state: string; invitationState: string | null; lastError: string | null; checkedAt: string | null }>> {
  const db = getDb();
  const row = machineUserIdSchema.safeParse(machineUserId).success ? await db.machineUser.findUnique({ where: { id: machineUserId } }) : null;
  if (!row || !authorize(context.actor, 'machine_user.read', { projectId: row.projectId }).allowed) {
    return fail('not_found', 'There is no such machine user, or its project is not assigned to you.');
  }
  const stale = !row.checkedAt || Date.now() - row.checkedAt.getTime() > CHECK_AT_MOST_EVERY_MS;
  if (stale && (TRACKED_STATES as readonly string[]).includes(row.state)) {
    try {
      await trackMachineUsers(db, client, row.projectId);
    } catch (error) {
      return fail('internal', `${client.vendor.productName} could not be asked: ${describePlatformshFailure(error)}`);
    }
  }
  const after = await db.machineUser.findUniqueOrThrow({ where: { id: row.id } });
  return ok({ state: after.state, invitationState: after.invitationState, lastError: after.lastError, checkedAt: after.checkedAt?.toISOString() ?? null });
}

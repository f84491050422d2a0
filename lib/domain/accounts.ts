// Becoming and proving to be a dashboard user: the first-run set-up, unattended provisioning,
// accepting an invitation, signing in with a password or SSO. None of these has a signed-in actor,
// so none goes through authorize(): each is gated by a one-time secret or by the credentials.
import { recordAudit, recordStrangerRefusal } from '@/lib/audit/record';
import { consumeLink, createOneTimeLink, findUsableLink, SETUP_LINK_TTL_MS } from '@/lib/auth/one-time-link';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import {
  accountKey,
  ACCOUNT_POLICY,
  addressKey,
  ADDRESS_POLICY,
  claimAttempt,
  claimAttempts,
  linkAddressKey,
  LINK_POLICY,
  settleSuccess,
  withInFlightCap,
  type Claim,
} from '@/lib/auth/throttle';
import type { OidcConfig, Role } from '@/lib/config';
import { getDb, type Database, type Prisma } from '@/lib/db';
import { AppError, fail, fieldErrorsOf, resultOf, type ActionResult } from '@/lib/errors';
import { acceptInvitationSchema, emailSchema, firstAdminSetupSchema } from '@/lib/validations/users';
import { lockAdminChanges } from './mutation';

/**
 * An admin who can actually sign in: enabled, and with a password or a linked SSO identity. An
 * invitation nobody accepted does not count — it may expire and leave nobody in charge.
 */
export const USABLE_ADMIN = {
  role: 'admin',
  disabledAt: null,
  OR: [{ passwordHash: { not: null } }, { oidcSubject: { not: null } }],
} as const satisfies Prisma.UserWhereInput;

export async function hasActiveAdmin(db: Pick<Database, 'user'>): Promise<boolean> {
  return (await db.user.count({ where: USABLE_ADMIN })) > 0;
}

/**
 * On start: create the first admin from KEYWARDEN_ADMIN_EMAIL/PASSWORD (and the second-factor policy
 * from KEYWARDEN_ADMIN_SECOND_FACTOR, when set), or, when no admin exists,
 * a one-time set-up link (valid one hour) for the server to print. Never a default password.
 */
export async function prepareFirstRun(
  db: Database,
  options: { bootstrapAdmin?: { email: string; password: string; secondFactorRequiredFor?: 'admins' | 'everyone' | 'nobody' }; baseUrl: URL },
): Promise<{ kind: 'ready' } | { kind: 'provisioned'; email: string } | { kind: 'setup'; url: string; expiresAt: Date }> {
  if (await hasActiveAdmin(db)) return { kind: 'ready' };
  if (options.bootstrapAdmin) {
    const { email, password } = options.bootstrapAdmin;
    const passwordHash = await hashPassword(password);
    await db.$transaction(async (tx) => {
      await tx.user.upsert({
        where: { email },
        create: { email, role: 'admin', passwordHash },
        update: { role: 'admin', passwordHash, disabledAt: null, sessionVersion: { increment: 1 } },
      });
      await recordAudit(tx, {
        actor: null,
        actorEmail: email,
        action: 'setup.provision_admin',
        target: { type: 'user', id: email },
        outcome: 'succeeded',
        reason: 'KEYWARDEN_ADMIN_EMAIL at start-up',
      });
      const requiredFor = options.bootstrapAdmin?.secondFactorRequiredFor;
      if (requiredFor) {
        const before = (await tx.organisationPolicy.findUnique({ where: { id: 1 }, select: { secondFactorRequiredFor: true } }))?.secondFactorRequiredFor ?? 'admins';
        await tx.organisationPolicy.upsert({ where: { id: 1 }, create: { id: 1, values: {}, secondFactorRequiredFor: requiredFor }, update: { secondFactorRequiredFor: requiredFor } });
        await recordAudit(tx, {
          actor: null,
          actorEmail: email,
          action: 'second_factor.set_policy',
          target: { type: 'policy', id: 'second-factor' },
          outcome: 'succeeded',
          reason: 'KEYWARDEN_ADMIN_SECOND_FACTOR at start-up',
          details: { before, after: requiredFor },
        });
      }
    });
    return { kind: 'provisioned', email };
  }
  // Older unused set-up links stop working: only the link printed last is valid.
  await db.oneTimeLink.updateMany({ where: { purpose: 'first_admin_setup', usedAt: null }, data: { usedAt: new Date() } });
  const link = await createOneTimeLink(db, 'first_admin_setup', SETUP_LINK_TTL_MS);
  return { kind: 'setup', url: new URL(`/setup/${link.token}`, options.baseUrl).toString(), expiresAt: link.expiresAt };
}

const LINK_THROTTLED_MESSAGE = `Too many attempts from your address. Try again in ${LINK_POLICY.blockSeconds / 60} minutes.`;

/**
 * One link attempt from a client address, counted before the link is looked up (SECURITY.md A6):
 * the claim, 'throttled', or null when the address is unknown (nothing to count it against).
 */
async function claimLinkAttempt(db: Database, clientAddress: string | null): Promise<Claim | 'throttled' | null> {
  if (!clientAddress) return null;
  return (await claimAttempt(db, linkAddressKey(clientAddress), LINK_POLICY)) ?? 'throttled';
}

export async function isSetupLinkUsable(token: string): Promise<boolean> {
  const db = getDb();
  return (await findUsableLink(db, token, 'first_admin_setup')) !== null && !(await hasActiveAdmin(db));
}

export async function completeFirstAdminSetup(
  rawInput: unknown,
  clientAddress: string | null,
): Promise<ActionResult<{ email: string }>> {
  const db = getDb();
  const parsed = firstAdminSetupSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
  const { token, email, name, password } = parsed.data;
  const refuse = (reason: string) => recordStrangerRefusal(db, { actor: null, actorEmail: email, action: 'setup.first_admin', outcome: 'refused', reason, clientAddress });
  const claim = await claimLinkAttempt(db, clientAddress);
  if (claim === 'throttled') {
    await refuse('throttled: too many link attempts from this address');
    return fail('rate_limited', LINK_THROTTLED_MESSAGE);
  }
  const link = await findUsableLink(db, token, 'first_admin_setup');
  if (!link || (await hasActiveAdmin(db))) {
    await refuse('set-up link invalid, used or expired');
    return fail('forbidden', 'This set-up link is no longer valid. Restart Keywarden to print a new one.');
  }
  if (claim) await settleSuccess(db, claim, 'own');
  const passwordHash = await hashPassword(password);
  return resultOf(async () => {
    await db.$transaction(async (tx) => {
      await consumeLink(tx, link.id);
      // Serialises two set-up attempts racing (even with two different links): the loser finds
      // the admin the winner created.
      await lockAdminChanges(tx);
      if (await hasActiveAdmin(tx)) throw new AppError('conflict', 'An admin already exists.');
      const user = await tx.user.create({ data: { email, name: name ?? null, role: 'admin', passwordHash } });
      await recordAudit(tx, { actor: { id: user.id, email, role: 'admin' }, action: 'setup.first_admin', target: { type: 'user', id: user.id }, outcome: 'succeeded', clientAddress });
    });
    return { email };
  });
}

/** The invitation link and its invitee, while the link is usable and the invitee has not accepted. */
async function usableInvitation(db: Database, token: string) {
  const link = await findUsableLink(db, token, 'invitation');
  if (!link?.userId) return null;
  const user = await db.user.findUnique({ where: { id: link.userId } });
  // Accepted already, by password or through SSO: the link must not add a password afterwards.
  if (!user || user.disabledAt || user.passwordHash || user.oidcSubject) return null;
  return { link, user };
}

export async function describeInvitation(token: string): Promise<{ email: string; role: Role } | null> {
  const invitation = await usableInvitation(getDb(), token);
  return invitation ? { email: invitation.user.email, role: invitation.user.role } : null;
}

export async function acceptInvitation(
  rawInput: unknown,
  clientAddress: string | null,
): Promise<ActionResult<{ email: string }>> {
  const db = getDb();
  const parsed = acceptInvitationSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
  const { token, name, password } = parsed.data;
  const refuse = (reason: string) => recordStrangerRefusal(db, { actor: null, action: 'invitation.accept', outcome: 'refused', reason, clientAddress });
  const claim = await claimLinkAttempt(db, clientAddress);
  if (claim === 'throttled') {
    await refuse('throttled: too many link attempts from this address');
    return fail('rate_limited', LINK_THROTTLED_MESSAGE);
  }
  const invitation = await usableInvitation(db, token);
  if (!invitation) {
    await refuse('invitation link invalid, used or expired');
    return fail('forbidden', 'This invitation is no longer valid. Ask an admin for a new one.');
  }
  if (claim) await settleSuccess(db, claim, 'own');
  const { link, user: invitee } = invitation;
  const passwordHash = await hashPassword(password);
  return resultOf(async () => {
    await db.$transaction(async (tx) => {
      await consumeLink(tx, link.id);
      const user = await tx.user.update({
        where: { id: invitee.id },
        data: { passwordHash, ...(name ? { name } : {}), sessionVersion: { increment: 1 } },
      });
      await recordAudit(tx, { actor: { id: user.id, email: user.email, role: user.role }, action: 'invitation.accept', target: { type: 'user', id: user.id }, outcome: 'succeeded', clientAddress });
    });
    return { email: invitee.email };
  });
}

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
  sessionVersion: number;
  /** Decides whether a second factor is owed (lib/domain/second-factor.ts). */
  role: Role;
}

/** Password verifications one process runs at once for one account or one address. */
const VERIFICATIONS_IN_FLIGHT_PER_KEY = 2;

export type SignInResult = { ok: true; user: SignedInUser } | { ok: false; reason: 'invalid' | 'throttled' };

/**
 * Checks e-mail and password with throttling per account and per client address. The caller
 * shows one generic message for every 'invalid' outcome (unknown e-mail, wrong password,
 * disabled or not-yet-activated account).
 */
export async function signInWithPassword(
  db: Database,
  credentials: { email: string; password: string },
  clientAddress: string | null,
): Promise<SignInResult> {
  const email = credentials.email.trim().toLowerCase().slice(0, 254);
  const keys = [accountKey(email), ...(clientAddress ? [addressKey(clientAddress)] : [])];
  // What was typed is recorded only when it is an e-mail address: a password typed into the
  // e-mail field must not end up in the audit log.
  const typedEmail = emailSchema.safeParse(email).success ? email : '(not an e-mail address)';
  // A refusal names the account that was typed: claimed, not proven, and aggregated per address.
  const audit = (outcome: 'succeeded' | 'refused', reason: string, actor?: { id: string; email: string; role: Role }) => {
    const entry = { actor: actor ?? null, actorEmail: typedEmail, action: 'auth.sign_in', target: { type: 'user', id: actor?.id ?? typedEmail }, reason, clientAddress } as const;
    return outcome === 'succeeded' ? recordAudit(db, { ...entry, outcome }) : recordStrangerRefusal(db, { ...entry, outcome });
  };

  const throttled = async (): Promise<SignInResult> => {
    await audit('refused', 'throttled: too many failed attempts');
    return { ok: false, reason: 'throttled' };
  };
  // Counted before the password is verified (SECURITY.md A4): a burst cannot outrun the limit.
  const claims = await claimAttempts(db, [
    [accountKey(email), ACCOUNT_POLICY],
    ...(clientAddress ? ([[addressKey(clientAddress), ADDRESS_POLICY]] as const) : []),
  ]);
  if (!claims) return throttled();
  // A counted attempt beyond the verifications already running for its keys stays counted.
  return withInFlightCap(keys, VERIFICATIONS_IN_FLIGHT_PER_KEY, throttled, async () => {
    const user = await db.user.findUnique({ where: { email } });
    const passwordOk = await verifyPassword(user?.passwordHash, credentials.password.slice(0, 256));
    if (!user || !passwordOk || user.disabledAt) {
      const reason = !user ? 'unknown account' : !passwordOk ? 'wrong password' : 'account disabled';
      await audit('refused', reason, user ? { id: user.id, email: user.email, role: user.role } : undefined);
      return { ok: false, reason: 'invalid' };
    }
    const [accountClaim, addressClaim] = claims;
    await settleSuccess(db, accountClaim!, 'claim');
    if (addressClaim) await settleSuccess(db, addressClaim, 'own');
    await db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    await audit('succeeded', 'password', { id: user.id, email: user.email, role: user.role });
    return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion, role: user.role } };
  });
}

/** The role an SSO identity's claims grant, or null when they grant none. */
export function roleFromClaims(claims: Record<string, unknown>, oidc: Pick<OidcConfig, 'roleClaim' | 'roleMap'>): Role | null {
  if (!oidc.roleClaim) return null;
  const raw = claims[oidc.roleClaim];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((value): value is string => typeof value === 'string');
  const roles = new Set<Role>();
  for (const value of values) {
    const mapped = Object.keys(oidc.roleMap).length > 0 ? oidc.roleMap[value] : value;
    if (mapped === 'admin' || mapped === 'onboarder' || mapped === 'reviewer') roles.add(mapped);
  }
  // The strongest role wins when several groups match.
  return (['admin', 'onboarder', 'reviewer'] as const).find((role) => roles.has(role)) ?? null;
}

/**
 * Maps an SSO identity to a dashboard user: by its subject, else by the account (invited or with a
 * password) holding its verified e-mail address and not yet linked to another identity, else (when
 * a role claim grants a role) a new account. Without any of these, sign-in is refused.
 */
export async function signInWithSso(
  db: Database,
  identity: { subject: string; email: string | null; name: string | null; claims: Record<string, unknown> },
  oidc: Pick<OidcConfig, 'roleClaim' | 'roleMap'>,
  clientAddress: string | null,
): Promise<SignInResult> {
  const email = identity.email?.trim().toLowerCase() ?? null;
  const claimedRole = roleFromClaims(identity.claims, oidc);
  const bySubject = await db.user.findUnique({ where: { oidcSubject: identity.subject } });
  const byEmail = !bySubject && email ? await db.user.findUnique({ where: { email } }) : null;
  const existing = bySubject ?? (byEmail && !byEmail.oidcSubject ? byEmail : null);
  const refuse = async (reason: string) => {
    // Not a stranger's refusal: the identity provider vouched for this identity, and nobody reaches
    // this point without a round trip through it.
    await recordAudit(db, { actor: null, actorEmail: email, action: 'auth.sign_in', target: { type: 'user', id: existing?.id ?? email }, outcome: 'refused', reason: `sso: ${reason}`, clientAddress });
    return { ok: false as const, reason: 'invalid' as const };
  };
  if (existing?.disabledAt) return refuse('account disabled');
  // The address belongs to an account linked to another identity: creating one would collide.
  if (!existing && byEmail) return refuse('e-mail address linked to another SSO identity');
  // With a role claim configured, the claim decides for everyone, invited or not.
  if (oidc.roleClaim && !claimedRole) return refuse(`claim ${oidc.roleClaim} grants no role`);
  if (!existing && (!email || !claimedRole)) return refuse('no invitation and no role claim');

  const user = existing
    ? await db.user.update({
        where: { id: existing.id },
        data: {
          oidcSubject: identity.subject,
          lastSignInAt: new Date(),
          ...(identity.name && !existing.name ? { name: identity.name } : {}),
          ...(claimedRole && claimedRole !== existing.role ? { role: claimedRole, sessionVersion: { increment: 1 } } : {}),
        },
      })
    : await db.user.create({
        data: { email: email!, name: identity.name, role: claimedRole!, oidcSubject: identity.subject, lastSignInAt: new Date() },
      });
  await recordAudit(db, { actor: { id: user.id, email: user.email, role: user.role }, action: 'auth.sign_in', target: { type: 'user', id: user.id }, outcome: 'succeeded', reason: 'sso', clientAddress });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion, role: user.role } };
}

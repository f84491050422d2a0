// Each user changing their own password (Account page). The current password is required and
// checked exactly like a sign-in attempt (SECURITY.md A4): counted per account and per client
// address *before* it is verified, refusals audited. On success every other session of the user
// ends and the session making the change stays signed in:
// - the user's session version is bumped, so a session signed in with the old password at the
//   same moment (its row records the version it was signed in for) is refused on its next request;
// - the current session's row is re-validated for the new version in the same transaction, so its
//   cookie (which still carries the old version) keeps working without being re-issued;
// - every other live session row is revoked.
import { authorize } from '@/lib/auth/authorize';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { accountKey, ACCOUNT_POLICY, addressKey, ADDRESS_POLICY, claimAttempts, settleSuccess, withInFlightCap } from '@/lib/auth/throttle';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import { changePasswordSchema } from '@/lib/validations/account';
import type { RequestContext } from './context';

/** Verifications of a current password one process runs at once for one account or address. */
const VERIFICATIONS_IN_FLIGHT_PER_KEY = 2;

export const THROTTLED_MESSAGE = `Too many wrong passwords. Try again in ${ACCOUNT_POLICY.blockSeconds / 60} minutes.`;
export const WRONG_PASSWORD_MESSAGE = 'That is not your current password.';

/** What the Account page says about the caller's own account. */
export async function ownAccount(context: RequestContext): Promise<{ email: string; name: string | null; hasPassword: boolean; isSso: boolean }> {
  const user = await getDb().user.findUniqueOrThrow({ where: { id: context.actor.id }, select: { email: true, name: true, passwordHash: true, oidcSubject: true } });
  return { email: user.email, name: user.name, hasPassword: user.passwordHash !== null, isSso: user.oidcSubject !== null };
}

export async function changeOwnPassword(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ endedSessions: number }>> {
  const db = getDb();
  const { actor, clientAddress } = context;
  const target = { type: 'user', id: actor.id, name: actor.email } as const;
  const audit = (outcome: 'refused' | 'invalid' | 'succeeded', reason?: string, details?: { endedSessions: number }) =>
    recordAudit(db, { actor, action: 'account.change_password', outcome, reason, clientAddress, target, details });

  const decision = authorize(actor, 'account.change_password');
  if (!decision.allowed) {
    await audit('refused', decision.reason);
    return fail('forbidden', 'You do not have permission to do this.');
  }
  const parsed = changePasswordSchema.safeParse(rawInput);
  if (!parsed.success) {
    await audit('invalid', 'input failed validation');
    // Never the typed values back: only which fields to correct.
    return fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
  }
  const { currentPassword, password } = parsed.data;

  const user = await db.user.findUnique({ where: { id: actor.id }, select: { passwordHash: true } });
  if (!user?.passwordHash) {
    await audit('refused', 'account has no password (single sign-on)');
    return fail('invalid_input', 'Your account signs in through single sign-on: change your password with your identity provider.');
  }

  const keys = [accountKey(actor.email), ...(clientAddress ? [addressKey(clientAddress)] : [])];
  const throttled = async (): Promise<ActionResult<{ endedSessions: number }>> => {
    await audit('refused', 'throttled: too many failed attempts');
    return fail('rate_limited', THROTTLED_MESSAGE);
  };
  // The same counters as the sign-in form: guessing through this form is guessing the password.
  const claims = await claimAttempts(db, [
    [accountKey(actor.email), ACCOUNT_POLICY],
    ...(clientAddress ? ([[addressKey(clientAddress), ADDRESS_POLICY]] as const) : []),
  ]);
  if (!claims) return throttled();

  return withInFlightCap(keys, VERIFICATIONS_IN_FLIGHT_PER_KEY, throttled, async () => {
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await audit('refused', 'wrong current password');
      return fail('invalid_input', WRONG_PASSWORD_MESSAGE, { currentPassword: [WRONG_PASSWORD_MESSAGE] });
    }
    const [accountClaim, addressClaim] = claims;
    await settleSuccess(db, accountClaim!, 'claim');
    if (addressClaim) await settleSuccess(db, addressClaim, 'own');

    const passwordHash = await hashPassword(password);
    const endedSessions = await db.$transaction(async (tx) => {
      const updated = await tx.user.update({ where: { id: actor.id }, data: { passwordHash, sessionVersion: { increment: 1 } }, select: { sessionVersion: true } });
      const now = new Date();
      if (context.sessionId) {
        await tx.session.updateMany({ where: { id: context.sessionId, userId: actor.id, revokedAt: null }, data: { userVersion: updated.sessionVersion } });
      }
      const { count } = await tx.session.updateMany({
        where: { userId: actor.id, revokedAt: null, expiresAt: { gt: now }, ...(context.sessionId ? { id: { not: context.sessionId } } : {}) },
        data: { revokedAt: now },
      });
      await recordAudit(tx, { actor, action: 'account.change_password', outcome: 'succeeded', clientAddress, target, details: { endedSessions: count } });
      return count;
    });
    return ok({ endedSessions });
  });
}

'use server';
// Server actions of the account security page and of the enrolment the policy requires at sign-in
// (issue 20). Forms (useActionState): they work before hydration and without JavaScript; recovery
// codes come back in the form's state, once. Enrolling is the only thing a half-signed-in session
// sent to enrolment may do; every other action needs a full session.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getPendingSignIn } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import type { RequestContext } from '@/lib/domain/context';
import {
  confirmTotpEnrolment,
  regenerateRecoveryCodes,
  removeSecondFactor,
  startTotpEnrolment,
  updateSecondFactorPolicy,
} from '@/lib/domain/second-factor';
import { finishPasskeyEnrolment, startPasskeyCheck, startPasskeyEnrolment, startSecondStepPasskey, type PasskeyEnrolled } from '@/lib/domain/passkeys';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { asSignedInUser, refuseUnlessForm, type FormActionOptions } from './signed-in';
import { withSubmittedValues } from './submitted-values';
import { answerUnexpectedErrors } from './unexpected';

const PAGES = ['/account/security', '/sign-in/enrol'];
const masterKey = () => getSecrets(getConfig()).fingerprint;
const field = (formData: FormData, name: string) => String(formData.get(name) ?? '');

function revalidate() {
  for (const page of PAGES) revalidatePath(page);
}

/** A signed-in user, or a half-signed-in one whose session owes an enrolment (with its session id). */
async function asEnrollingUser<T>(run: (context: RequestContext, sessionId?: string) => Promise<ActionResult<T>>, options?: FormActionOptions): Promise<ActionResult<T>> {
  const pending = await getPendingSignIn();
  if (pending?.pendingStep === 'enrolment') return refuseUnlessForm(options) ?? answerUnexpectedErrors('second_factor.manage', () => run(pending.context, pending.sessionId));
  return asSignedInUser('second_factor.manage', (context) => run(context), options);
}

export async function startEnrolmentAction(_previous: ActionResult<{ started: true }> | null, _formData: FormData): Promise<ActionResult<{ started: true }>> {
  return asEnrollingUser(async (context) => {
    const result = await startTotpEnrolment(context, {}, masterKey());
    if (result.ok) revalidate();
    return result;
  });
}

export async function confirmEnrolmentAction(
  _previous: ActionResult<{ recoveryCodes: string[] }> | null,
  formData: FormData,
): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  return asEnrollingUser(async (context, sessionId) => {
    const result = await confirmTotpEnrolment(context, { code: field(formData, 'code') }, masterKey(), { sessionId });
    // The page is not re-rendered: the codes in this answer are shown once, then gone.
    return result;
  }, { form: formData });
}

// Passkeys: called from the browser around its WebAuthn prompt (they need JavaScript anyway). The
// options carry a challenge the server keeps; the answer is checked against it.

/** Options for "create a passkey" (account security page, or the enrolment the policy requires). */
export async function startPasskeyEnrolmentAction(name: string) {
  return asEnrollingUser((context, sessionId) => startPasskeyEnrolment(context, { name }, { sessionId }));
}

/** The browser's new credential (JSON): kept as a passkey; recovery codes when it is the first factor. */
export async function finishPasskeyEnrolmentAction(name: string, response: string): Promise<ActionResult<PasskeyEnrolled>> {
  // The page is re-rendered by the browser once the recovery codes (if any) have been seen.
  return asEnrollingUser((context, sessionId) => finishPasskeyEnrolment(context, { name, response }, masterKey(), { sessionId }));
}

/** Options for a passkey prompt that re-authenticates before a second factor is removed. */
export async function startPasskeyCheckAction() {
  return asSignedInUser('second_factor.manage', (context) => startPasskeyCheck(context, {}));
}

/** Options for the passkey prompt of the second sign-in step (the answer is posted to /api/auth/second-factor). */
export async function startSecondStepPasskeyAction() {
  return answerUnexpectedErrors('auth.second_factor', async () => {
    const pending = await getPendingSignIn();
    if (pending?.pendingStep !== 'second_factor') return fail('unauthenticated', 'Your sign-in has ended. Sign in again.');
    const options = await startSecondStepPasskey({ sessionId: pending.sessionId, userId: pending.context.actor.id });
    return options ? ok(options) : fail('not_found', 'You have no passkey. Enter a code instead.');
  });
}

export async function regenerateRecoveryCodesAction(
  _previous: ActionResult<{ recoveryCodes: string[] }> | null,
  formData: FormData,
): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  return asSignedInUser('second_factor.manage', (context) => regenerateRecoveryCodes(context, { password: field(formData, 'password') }, masterKey()), { form: formData });
}

export async function removeSecondFactorAction(_previous: ActionResult<{ removed: true }> | null, formData: FormData): Promise<ActionResult<{ removed: true }>> {
  const result = await asSignedInUser('second_factor.manage', (context) =>
    removeSecondFactor(
      context,
      { factorId: field(formData, 'factorId'), password: field(formData, 'password'), code: field(formData, 'code'), passkeyResponse: field(formData, 'passkeyResponse') },
      masterKey(),
    ),
    { form: formData },
  );
  if (!result.ok) return result;
  revalidate();
  // The form goes with the app it removed: the page says so instead (outside the wrapper above,
  // which would take the redirect for an error).
  // `kind` only picks the page's wording (the form says which kind it removes).
  redirect(`/account/security?removed=${field(formData, 'kind') === 'passkey' ? 'passkey' : '1'}`);
}

export async function updateSecondFactorPolicyAction(
  _previous: ActionResult<{ requiredFor: string }> | null,
  formData: FormData,
): Promise<ActionResult<{ requiredFor: string }>> {
  return asSignedInUser('second_factor.set_policy', async (context) => {
    const result = await updateSecondFactorPolicy(context, { requiredFor: field(formData, 'requiredFor') });
    if (result.ok) revalidate();
    return withSubmittedValues(formData, ['requiredFor'], result);
  }, { form: formData });
}

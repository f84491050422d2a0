// Second factors (issue 20): the codes typed at sign-in and on the account security page, and the
// organisation's requirement. Limits are generous on length only so that a pasted code with
// spaces still parses; what a code must look like is checked where it is compared.
import { z } from 'zod';
import { PASSKEY_NAME_MAX_LENGTH, PASSKEY_RESPONSE_MAX_LENGTH } from './limits';

export const SECOND_FACTOR_REQUIREMENTS = ['admins', 'everyone', 'nobody'] as const;
export type SecondFactorRequirementValue = (typeof SECOND_FACTOR_REQUIREMENTS)[number];

const code = z.string().trim().min(1, 'Enter the code from your authenticator app or a recovery code.').max(40, 'That is not a code.');
const password = z.string().min(1, 'Enter your current password.').max(256, 'That is not your password.');

export const startEnrolmentSchema = z.strictObject({});
export const confirmEnrolmentSchema = z.strictObject({
  code: z.string().trim().regex(/^\d{3}\s?\d{3}$/, 'Enter the 6-digit code your authenticator app shows.'),
});
/** Re-authentication: the current password, and a code when a factor is being removed. */
export const regenerateRecoveryCodesSchema = z.strictObject({ password });
/**
 * Removing a second factor: the password and a second proof — a code (app or recovery code) or,
 * for someone with a passkey, an assertion of one (`passkeyResponse`, checked in the domain).
 */
export const removeSecondFactorSchema = z
  .strictObject({
    factorId: z.uuid({ error: 'Unknown authenticator.' }),
    password,
    code: z.string().trim().max(40, 'That is not a code.').default(''),
    passkeyResponse: z.string().max(PASSKEY_RESPONSE_MAX_LENGTH, 'That passkey answer is too long.').default(''),
  })
  .superRefine((value, ctx) => {
    if (!value.code && !value.passkeyResponse) ctx.addIssue({ code: 'custom', path: ['code'], message: 'Enter the code from your authenticator app or a recovery code.' });
  });
export const secondStepSchema = z.strictObject({ code });
export const secondFactorPolicySchema = z.strictObject({
  requiredFor: z.enum(SECOND_FACTOR_REQUIREMENTS, { error: 'Choose who must use a second factor.' }),
});

const base64url = z.string().min(1).max(PASSKEY_RESPONSE_MAX_LENGTH).regex(/^[A-Za-z0-9_-]+$/);
const optionalBase64url = z.string().max(PASSKEY_RESPONSE_MAX_LENGTH).regex(/^[A-Za-z0-9_-]*$/).optional();
const passkeyCredentialFields = { id: base64url, rawId: base64url, type: z.literal('public-key'), clientExtensionResults: z.looseObject({}) };
/**
 * WebAuthn responses as @simplewebauthn/browser serialises them: the shape only; their content
 * (signature, challenge, origin) is checked by @simplewebauthn/server.
 */
export const passkeyAssertionSchema = z.looseObject({
  ...passkeyCredentialFields,
  response: z.looseObject({ clientDataJSON: base64url, authenticatorData: base64url, signature: base64url, userHandle: optionalBase64url }),
});
export const passkeyRegistrationSchema = z.looseObject({
  ...passkeyCredentialFields,
  response: z.looseObject({ clientDataJSON: base64url, attestationObject: base64url, transports: z.array(z.string().max(32)).max(10).optional() }),
});
export const passkeyNameSchema = z
  .string()
  .trim()
  .min(1, 'Name the passkey, e.g. "Work laptop".')
  .max(PASSKEY_NAME_MAX_LENGTH, `At most ${PASSKEY_NAME_MAX_LENGTH} characters.`);
export const startPasskeyEnrolmentSchema = z.strictObject({ name: passkeyNameSchema });
export const finishPasskeyEnrolmentSchema = z.strictObject({
  name: passkeyNameSchema,
  response: z.string().min(1, 'The browser gave no passkey.').max(PASSKEY_RESPONSE_MAX_LENGTH, 'That passkey answer is too long.'),
});

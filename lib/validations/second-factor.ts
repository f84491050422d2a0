// Second factors (issue 20): the codes typed at sign-in and on the account security page, and the
// organisation's requirement. Limits are generous on length only so that a pasted code with
// spaces still parses; what a code must look like is checked where it is compared.
import { z } from 'zod';

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
export const removeSecondFactorSchema = z.strictObject({ factorId: z.uuid({ error: 'Unknown authenticator.' }), password, code });
export const secondStepSchema = z.strictObject({ code });
export const secondFactorPolicySchema = z.strictObject({
  requiredFor: z.enum(SECOND_FACTOR_REQUIREMENTS, { error: 'Choose who must use a second factor.' }),
});

// Input schemas shared by forms (client-side hints) and actions (the real check). Strict objects:
// an unexpected field is an error, not silently dropped.
import { z } from 'zod';
import { ROLES } from '@/lib/roles';
import { EMAIL_INVALID_MESSAGE, EMAIL_PATTERN, EMAIL_REQUIRED_MESSAGE, EMAIL_TOO_LONG_MESSAGE } from './email-rule';
import { EMAIL_MAX_LENGTH } from './limits';
import { textSchema } from './text';

export const ROLE_VALUES = ROLES;

/** Built from email-rule.ts, which a form checks an address with before sending it: one rule. */
export const emailSchema = z
  .string({ error: EMAIL_REQUIRED_MESSAGE })
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX_LENGTH, EMAIL_TOO_LONG_MESSAGE)
  .pipe(z.email({ pattern: EMAIL_PATTERN, error: EMAIL_INVALID_MESSAGE }));

export const passwordSchema = z
  .string({ error: 'Enter a password.' })
  .min(12, 'Use at least 12 characters.')
  .max(256, 'Use at most 256 characters.');

export const displayNameSchema = textSchema({ max: 100 })
  .transform((value) => (value === '' ? null : value))
  .nullable()
  .optional();

export const roleSchema = z.enum(ROLE_VALUES, { error: 'Choose admin, onboarder or reviewer.' });
export const userIdSchema = z.uuid({ error: 'Unknown user.' });
export const projectIdSchema = z.string().trim().min(1).max(64).regex(/^[a-z0-9-]+$/, 'Unknown project.');

export const inviteUserSchema = z.strictObject({
  email: emailSchema,
  name: displayNameSchema,
  role: roleSchema,
  projectIds: z.array(projectIdSchema).max(2000).default([]),
});

export const changeRoleSchema = z.strictObject({ userId: userIdSchema, role: roleSchema });
export const assignProjectsSchema = z.strictObject({
  userId: userIdSchema,
  projectIds: z.array(projectIdSchema).max(2000),
});
export const userRefSchema = z.strictObject({ userId: userIdSchema });

const newPasswordFields = {
  password: passwordSchema,
  confirmPassword: z.string(),
};

function passwordsMatch(value: { password: string; confirmPassword: string }, ctx: z.RefinementCtx): void {
  if (value.password !== value.confirmPassword) {
    ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'The passwords do not match.' });
  }
}

export const firstAdminSetupSchema = z
  .strictObject({ token: z.string().min(20).max(200), email: emailSchema, name: displayNameSchema, ...newPasswordFields })
  .superRefine(passwordsMatch);

export const acceptInvitationSchema = z
  .strictObject({ token: z.string().min(20).max(200), name: displayNameSchema, ...newPasswordFields })
  .superRefine(passwordsMatch);

export const listUsersSchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  query: textSchema({ max: 100 }).default(''),
});

export type InviteUserInput = z.input<typeof inviteUserSchema>;
export type FirstAdminSetupInput = z.input<typeof firstAdminSetupSchema>;
export type AcceptInvitationInput = z.input<typeof acceptInvitationSchema>;

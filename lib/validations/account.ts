// Inputs of the Account page (each user's own password and sessions) and of an admin ending
// another user's sessions. Strict objects: an unexpected field is an error.
import { z } from 'zod';
import { textSchema } from './text';
import { passwordSchema, userIdSchema } from './users';

const sessionIdSchema = z.uuid({ error: 'Unknown session.' });

export const changePasswordSchema = z
  .strictObject({
    currentPassword: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(256, 'Use at most 256 characters.'),
    password: passwordSchema,
    confirmPassword: z.string({ error: 'Repeat the new password.' }),
  })
  .superRefine((value, ctx) => {
    if (value.password !== value.confirmPassword) {
      ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'The passwords do not match.' });
    }
  });

/** One of the caller's own sessions, or every one but the session making the request. */
export const endOwnSessionsSchema = z.union([z.strictObject({ sessionId: sessionIdSchema }), z.strictObject({ scope: z.literal('others') })], {
  error: 'Choose a session to end.',
});

/** One session of a user, or (without sessionId) all of them. */
export const endUserSessionsSchema = z.strictObject({ userId: userIdSchema, sessionId: sessionIdSchema.optional() });

export const listSessionsSchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  query: textSchema({ max: 100 }).default(''),
});

export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

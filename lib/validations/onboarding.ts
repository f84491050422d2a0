// Inputs of the onboarding actions: confirming the deployed app configuration, the sandbox cron
// run, and the Overview's URL state. Strict objects: an unexpected field is an error.
import { z } from 'zod';
import { branchSchema } from '@/lib/onboarding/schemas';
import { textSchema } from './text';
import { projectIdSchema } from './users';

export const confirmConfigSchema = z.strictObject({
  projectId: projectIdSchema,
  /** What the person checked, in their words. */
  note: textSchema({ max: 500, multiline: true, tokenLike: 'refused-strictly', tokenLikeMessage: 'This looks like a token or a key: never paste one here. Describe what you checked instead.' })
    .transform((note) => (note === '' ? null : note))
    .optional()
    .default(null),
});

export const sandboxCronSchema = z.strictObject({
  projectId: projectIdSchema,
  /** The environment whose cron runs; the project's production environment by default. */
  environmentId: branchSchema.optional(),
});

/** The Overview's URL (`?page=`). Never fails: a bad value falls back. */
export const overviewQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

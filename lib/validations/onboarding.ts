// Inputs of the onboarding actions: confirming the deployed app configuration, the sandbox cron
// run, and the URL state of the Overview and of the kit generator. Strict objects: an unexpected field is an error.
import { z } from 'zod';
import { KIT_FORMS, KIT_OPTION_PARAMS, KIT_TASK_KINDS, type KitOptions } from '@/lib/onboarding/kit-options';
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

/** Longer than any value the generator accepts: such a value in the URL is no one's choice. */
const KIT_TEXT_MAX = { operation: 200, command: 2000, schedule: 200, appName: 200 } as const;

/**
 * The kit generator's options from the kit page's URL (lib/onboarding/kit-options.ts). Never
 * fails: a value that is not an option, or far too long, falls back to its default. A value within
 * bounds is the generator's to judge, which shows why beside its field, as when it is typed.
 */
export function parseKitOptions(params: Record<string, string | undefined>, defaults: KitOptions): KitOptions {
  const text = (max: number, fallback: string) => z.string().max(max).catch(fallback).default(fallback);
  const schema = z.object({
    form: z.enum(KIT_FORMS).catch(defaults.form).default(defaults.form),
    task: z.enum(KIT_TASK_KINDS).catch(defaults.task).default(defaults.task),
    operation: text(KIT_TEXT_MAX.operation, defaults.operation),
    command: text(KIT_TEXT_MAX.command, defaults.command),
    schedule: text(KIT_TEXT_MAX.schedule, defaults.schedule),
    appName: text(KIT_TEXT_MAX.appName, defaults.appName),
  });
  const input = Object.fromEntries(Object.entries(KIT_OPTION_PARAMS).map(([key, param]) => [key, params[param]]));
  return schema.parse(input);
}

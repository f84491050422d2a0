// Input schemas for the onboarding kit. Every value that reaches a generated script passes one of
// these first, and is shell-quoted as well: the schemas keep the output readable, the quoting keeps
// it safe if a schema is ever loosened.
import { z } from 'zod';
import { AppError, fieldErrorsOf, type FieldErrors } from '@/lib/errors';
import { VENDORS } from '@/lib/vendor';

export { emailSchema } from '@/lib/validations/users';
export { VENDORS, type Vendor } from '@/lib/vendor';

/** `current` follows today's documentation; `older` reproduces the installer-era one. */
export const SNIPPET_FORMS = ['current', 'older'] as const;
export type SnippetForm = (typeof SNIPPET_FORMS)[number];

// Control characters (and the Unicode line separators) would let a title or a command break out of
// the comment or the line it is written into.
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}\p{Zl}\p{Zp}]*$/u;

export const projectIdSchema = z
  .string({ error: 'Enter a project ID.' })
  .regex(/^[a-z0-9]+$/, 'A project ID has only lowercase letters and digits.')
  .max(64, 'That project ID is too long.');

export const projectTitleSchema = z
  .string({ error: 'Enter a project title.' })
  .max(200, 'Use at most 200 characters.')
  .regex(NO_CONTROL_CHARACTERS, 'The title cannot contain line breaks or control characters.');

/**
 * Branch (and environment) names: Git's rules narrowed to characters that need no quoting, so a
 * name can never carry shell syntax (`main; rm -rf /`) or a GitHub expression (`${{ … }}`).
 */
export const branchSchema = z
  .string({ error: 'Enter a branch name.' })
  .min(1, 'Enter a branch name.')
  .max(255, 'That branch name is too long.')
  .regex(/^[A-Za-z0-9._/-]+$/, 'Use letters, digits, dots, dashes, underscores and slashes only.')
  .refine((name) => !name.startsWith('-') && !name.startsWith('/') && !name.endsWith('/'), {
    message: 'A branch name cannot start with a dash or start or end with a slash.',
  })
  .refine((name) => !name.includes('..') && !name.includes('//') && !name.endsWith('.lock'), {
    message: 'That is not a valid Git branch name.',
  });

/** An application's `name` in the app configuration. */
export const appNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, dashes and underscores only.')
  .max(64, 'Use at most 64 characters.');

export const sourceOperationNameSchema = z
  .string({ error: 'Enter the source operation name.' })
  .min(1, 'Enter the source operation name.')
  .max(64, 'Use at most 64 characters.')
  .regex(/^[A-Za-z0-9_.-]+$/, 'Use letters, digits, dots, dashes and underscores only.');

export const cronNameSchema = z
  .string()
  .min(1)
  .max(64, 'Use at most 64 characters.')
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, dashes and underscores only.');

/** A command line a person typed: one line, no control characters. */
export const commandLineSchema = z
  .string({ error: 'Enter a command.' })
  .trim()
  .min(1, 'Enter a command.')
  .max(1000, 'Use at most 1,000 characters.')
  .regex(NO_CONTROL_CHARACTERS, 'Write the command on one line, without control characters.');

/** A region's host as the API reports it (`eu-3.platform.sh`): named in each snippet's header. */
export const regionHostSchema = z
  .string()
  .max(100, 'That region host is too long.')
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'A region host has only lowercase letters, digits, dots and dashes.');

export const projectContextSchema = z.strictObject({
  projectId: projectIdSchema,
  projectTitle: projectTitleSchema,
  productionBranch: branchSchema,
  vendor: z.enum(VENDORS, { error: 'Choose platformsh or upsun.' }),
  region: regionHostSchema.optional(),
});

export type ProjectContext = z.input<typeof projectContextSchema>;

// --- Cron schedules --------------------------------------------------------------------------

const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59, names: [] },
  { name: 'hour', min: 0, max: 23, names: [] },
  { name: 'day of month', min: 1, max: 31, names: [] },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  // 7 is Sunday as well as 0 in most cron implementations.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

// `*`, `H` (Platform.sh's hashed value), `H(a-b)`, a value or a range, each with an optional `/step`.
const CRON_ITEM = /^(\*|H(?:\((\w+)-(\w+)\))?|(\w+)(?:-(\w+))?)(?:\/(\d+))?$/;

/**
 * Why a schedule is not a 5-field cron expression, or null when it is. `H` is Platform.sh's
 * "spread the load" value (the current docs use `H 4 * * *`); other schedulers reject it, so it is
 * allowed only when `allowHash` is set.
 */
export function cronSpecProblem(spec: string, allowHash: boolean): string | null {
  const fields = spec.trim().split(/\s+/);
  if (fields.length !== 5) return `A cron schedule has 5 fields (minute hour day month weekday); this one has ${fields.length}.`;
  for (const [index, field] of fields.entries()) {
    const rule = CRON_FIELDS[index] as (typeof CRON_FIELDS)[number];
    for (const item of field.split(',')) {
      const match = CRON_ITEM.exec(item);
      if (!match) return `The ${rule.name} field "${field}" is not valid.`;
      const [, whole, hashFrom, hashTo, from, to, step] = match;
      if (whole?.startsWith('H') && !allowHash) return `The ${rule.name} field uses H, which only Platform.sh and Upsun crons understand.`;
      for (const value of [hashFrom, hashTo, from, to]) {
        if (value === undefined) continue;
        const number = cronValue(value, rule.names);
        if (number === null || number < rule.min || number > rule.max) {
          return `The ${rule.name} field allows ${rule.min}–${rule.max}; "${value}" is out of range.`;
        }
      }
      if (step !== undefined && Number(step) < 1) return `The ${rule.name} field has a step of 0.`;
    }
  }
  return null;
}

function cronValue(value: string, names: readonly string[]): number | null {
  if (/^\d+$/.test(value)) return Number(value);
  const index = names.indexOf(value.toUpperCase());
  if (index === -1) return null;
  // Month names count from 1, weekday names from 0 (Sunday).
  return names.length === 12 ? index + 1 : index;
}

export function cronSpecSchema(allowHash: boolean) {
  return z
    .string({ error: 'Enter a cron schedule.' })
    .trim()
    .transform((spec) => spec.split(/\s+/).join(' '))
    .superRefine((spec, ctx) => {
      const problem = cronSpecProblem(spec, allowHash);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

// --- Errors -----------------------------------------------------------------------------------

/**
 * Invalid input to a generator. An AppError with code `invalid_input`, so an action can return it
 * as is (`resultOf` turns it into `{ ok: false, error }`) and its message and field errors may be
 * shown to the user.
 */
export class OnboardingInputError extends AppError {
  constructor(message: string, fieldErrors?: FieldErrors) {
    super('invalid_input', message, fieldErrors);
    this.name = 'OnboardingInputError';
  }
}

/** Parses input with a schema, or throws an OnboardingInputError naming every invalid field. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new OnboardingInputError('Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
}

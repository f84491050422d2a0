// Inputs of incident response (issue 18.3): the selection of tokens to revoke in bulk, the dry run,
// the typed confirmation of the execution, the resume. Forms send strings (an empty field is "any").
import { z } from 'zod';
import { COMPROMISE_REASON_MAX_LENGTH, INCIDENT_NAME_MAX_LENGTH } from './limits';
import { PURPOSES } from '@/lib/machine-users/roles';
import { pastedTokenSchema } from './pasted-token';
import { textSchema } from './text';

const blankIsAbsent = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsAbsent, schema.optional());
const checkbox = z.preprocess((value) => value === true || value === 'on' || value === 'true' || value === 'yes', z.boolean());

export const ENVIRONMENT_TYPES = ['production', 'staging', 'development'] as const;

/** Which tokens an incident takes away. `all` must be said in so many words when nothing else narrows it. */
export const incidentFilterSchema = z
  .strictObject({
    projectId: optional(z.string().trim().max(64).regex(/^[a-z0-9-]+$/, 'Unknown project.')),
    purpose: optional(z.enum(PURPOSES, { error: 'Unknown purpose.' })),
    environmentType: optional(z.enum(ENVIRONMENT_TYPES, { error: 'Unknown environment type.' })),
    /** Only tokens pushed visible at build time (`yes`), or only runtime-only ones (`no`). */
    buildVisible: optional(z.enum(['yes', 'no'], { error: 'Choose yes or no.' })),
    /** The dashboard user (e-mail) who recorded or pushed the token. */
    pushedBy: optional(z.email({ error: 'Enter an e-mail address.' }).max(254).transform((email) => email.toLowerCase())),
    /** Tokens recorded before this day (YYYY-MM-DD, UTC). */
    recordedBefore: optional(z.iso.date({ error: 'Choose a date.' })),
    all: checkbox.default(false),
  })
  .refine((filter) => filter.all || Object.entries(filter).some(([key, value]) => key !== 'all' && value !== undefined), {
    error: 'Narrow the selection, or tick “Every matching token”.',
    path: ['all'],
  });

export type IncidentFilter = z.infer<typeof incidentFilterSchema>;

/** What the incident does to the selected tokens: revoke them, or rotate them with minted tokens (issue 18.3). */
export const INCIDENT_KINDS = ['revocation', 'rotation'] as const;

export const createIncidentSchema = z.strictObject({
  kind: z.enum(INCIDENT_KINDS, { error: 'Choose revoke or rotate.' }).default('revocation'),
  name: textSchema({ max: INCIDENT_NAME_MAX_LENGTH }).pipe(z.string().min(1, 'Name the incident (e.g. “CI provider breach”).')),
  reason: optional(textSchema({ max: COMPROMISE_REASON_MAX_LENGTH, multiline: true })),
  filter: incidentFilterSchema,
});

export const incidentIdSchema = z.strictObject({ incidentId: z.uuid({ error: 'Unknown incident.' }) });

export const executeIncidentSchema = z.strictObject({
  incidentId: z.uuid({ error: 'Unknown incident.' }),
  /** The incident's name, typed again. */
  confirmName: z.string().trim().max(INCIDENT_NAME_MAX_LENGTH + 20),
});

export const incidentPageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

/**
 * A bulk rotation's execution: the typed confirmation, and one bootstrap token per machine user
 * (keyed by the machine user's id; a machine user left blank is skipped). The values live in this
 * request only (SECURITY.md T1).
 */
export const executeRotationSchema = z.strictObject({
  incidentId: z.uuid({ error: 'Unknown incident.' }),
  confirmName: z.string().trim().max(INCIDENT_NAME_MAX_LENGTH + 20),
  bootstraps: z.record(z.uuid(), z.preprocess(blankIsAbsent, pastedTokenSchema.optional())).default({}),
});

export const resumeRotationSchema = z.strictObject({
  incidentId: z.uuid({ error: 'Unknown incident.' }),
  bootstraps: z.record(z.uuid(), z.preprocess(blankIsAbsent, pastedTokenSchema.optional())).default({}),
});

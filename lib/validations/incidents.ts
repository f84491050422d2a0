// Inputs of incident response (issue 18.3): the selection of tokens to revoke in bulk, the dry run,
// the typed confirmation of the execution, the resume. Forms send strings (an empty field is "any").
import { z } from 'zod';
import { COMPROMISE_REASON_MAX_LENGTH, INCIDENT_NAME_MAX_LENGTH } from './limits';
import { PURPOSES } from '@/lib/machine-users/roles';
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
    error: 'Narrow the selection, or tick “All open tokens”.',
    path: ['all'],
  });

export type IncidentFilter = z.infer<typeof incidentFilterSchema>;

export const createIncidentSchema = z.strictObject({
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

// Inputs of the machine-user actions. Strict objects: an unexpected field is an error.
import { z } from 'zod';
import { machineRolesSchema, PURPOSES } from '@/lib/machine-users/roles';
import { pastedTokenSchema } from './pasted-token';
import { textSchema } from './text';
import { emailSchema, projectIdSchema, userIdSchema } from './users';

export const machineUserIdSchema = z.uuid({ error: 'Unknown machine user.' });

const reasonSchema = textSchema({ max: 500 })
  .transform((value) => (value === '' ? null : value))
  .nullable()
  .optional();

export const inviteMachineUserSchema = z
  .strictObject({
    projectId: projectIdSchema,
    purpose: z.enum(PURPOSES, { error: 'Choose a purpose.' }),
    email: emailSchema,
    roles: machineRolesSchema,
    needsSshKey: z.boolean(),
    ownerId: userIdSchema,
    backupOwnerId: userIdSchema.nullable().optional(),
    /** An admin's written reason to override a rule (an address reused, a second machine user for the purpose). */
    overrideReason: reasonSchema,
  })
  .refine((input) => !input.backupOwnerId || input.backupOwnerId !== input.ownerId, {
    path: ['backupOwnerId'],
    message: 'The backup owner must be someone else than the owner.',
  });

export const machineUserRefSchema = z.strictObject({ machineUserId: machineUserIdSchema });

/** Sandbox mode: the kinds of change a person can make in the Console behind Keywarden's back. */
export const SANDBOX_DRIFT_KINDS = ['delete_variable', 'weaken_variable', 'add_variable', 'escalate_roles', 'remove_member'] as const;
export type SandboxDriftKind = (typeof SANDBOX_DRIFT_KINDS)[number];
export const sandboxDriftSchema = z.strictObject({ machineUserId: machineUserIdSchema, kind: z.enum(SANDBOX_DRIFT_KINDS) });

export const changeMachineRolesSchema = z.strictObject({ machineUserId: machineUserIdSchema, roles: machineRolesSchema });

export const manageInvitationSchema = z.strictObject({ machineUserId: machineUserIdSchema, operation: z.enum(['resend', 'cancel']) });

export const removeMachineUserSchema = z.strictObject({
  machineUserId: machineUserIdSchema,
  /** Typed by the person, as the confirmation: must equal the machine user's address. */
  confirmEmail: emailSchema,
  /** Offboarding: delete its token variables and revoke its tokens (the default). */
  revokeTokens: z.boolean().default(true),
  /** A live token of the machine user, to delete its tokens on Platform.sh too. */
  liveToken: pastedTokenSchema.optional(),
});

export const MACHINE_USER_STATES = ['invited', 'active', 'expired', 'cancelled', 'error', 'removed'] as const;

// Not the state: PostgreSQL orders an enum by when each value was added, which says nothing to a reader
// (the State filter narrows by it instead).
export const MACHINE_USER_LIST_SORTS = ['project', 'email', 'purpose', 'owner'] as const;
export type MachineUserListSort = (typeof MACHINE_USER_LIST_SORTS)[number];

export const machineUserListQuerySchema = z.object({
  q: textSchema({ max: 100 }).catch('').default(''),
  project: z.string().trim().max(64).regex(/^[a-z0-9-]*$/).catch('').default(''),
  state: z.enum([...MACHINE_USER_STATES, 'all', 'current']).catch('current').default('current'),
  sort: z.enum(MACHINE_USER_LIST_SORTS).catch('project').default('project'),
  dir: z.enum(['asc', 'desc']).catch('asc').default('asc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type MachineUserListQuery = z.infer<typeof machineUserListQuerySchema>;

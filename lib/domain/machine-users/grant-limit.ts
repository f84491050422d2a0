// The organisation's limit on what an onboarder may grant a machine user (KEYWARDEN_ONBOARDER_GRANTS;
// the rule itself is lib/machine-users/grant-limit.ts). Checked on the server by every action that
// sets roles — invitation and role change — after authorization and validation, before anything is
// recorded or sent to Platform.sh; a refusal is audited as such by runMutation.
import type { Actor } from '@/lib/auth/authorize';
import { getConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { describeCeiling, grantLimitsFor, grantsAboveLimit } from '@/lib/machine-users/grant-limit';
import { PRESETS, type MachineRoles, type Purpose } from '@/lib/machine-users/roles';

/** The ceilings that apply to `actor` per purpose, or null when nothing limits them. */
export function grantLimitsOf(actor: Actor): Record<Purpose, MachineRoles> | null {
  return grantLimitsFor(actor.role, getConfig().onboarderGrants);
}

/**
 * Throws a `forbidden` AppError with one field error per grant above the actor's limit for the
 * purpose. `current`: the machine user's roles now — what an admin granted may be kept, not raised.
 */
export function assertWithinGrantLimit(actor: Actor, purpose: Purpose, roles: MachineRoles, current?: MachineRoles): void {
  const limits = grantLimitsOf(actor);
  if (!limits) return;
  const ceiling = limits[purpose];
  const { label } = PRESETS[purpose];
  const above = grantsAboveLimit(roles, ceiling, label, current);
  if (above.length === 0) return;
  throw new AppError(
    'forbidden',
    `For ${label}, an onboarder may grant at most ${describeCeiling(ceiling)} (the organisation's policy). Ask an admin to grant more.`,
    Object.fromEntries(above.map(({ field, message }) => [field, [message]])),
  );
}

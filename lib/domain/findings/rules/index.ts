// Every findings rule, in the order the Policy page and the README list them. A new rule is one
// module in this folder and one line here (and its fixtures in rules.int.test.ts).
import type { FindingRule } from '../types';
import { accessAdminOnProduction } from './access-admin-on-production';
import { driftMembership } from './drift-membership';
import { driftRoles } from './drift-roles';
import { driftVariable } from './drift-variable';
import { machineUserInvitationPending } from './machine-user-invitation-pending';
import { machineUserOwnerUnavailable } from './machine-user-owner-unavailable';
import { machineUserProjectAdmin } from './machine-user-project-admin';
import { machineUserRoleAbovePreset } from './machine-user-role-above-preset';
import { machineUserSeveralTokens } from './machine-user-several-tokens';
import { machineUserSharedAddress } from './machine-user-shared-address';
import { redeployFailed } from './redeploy-failed';
import { tokenCompromisedNotDeleted } from './token-compromised-not-deleted';
import { tokenEnvironmentNotNeeded } from './token-environment-not-needed';
import { tokenMadeOutsideKeywarden } from './token-made-outside-keywarden';
import { tokenNeverUsed } from './token-never-used';
import { tokenPastRotateBy } from './token-past-rotate-by';
import { tokenTooOld } from './token-too-old';
import { tokenUnused } from './token-unused';
import { variableBuildVisible } from './variable-build-visible';
import { variableDisabled } from './variable-disabled';
import { variableInheritable } from './variable-inheritable';
import { variableNotKeywarden } from './variable-not-keywarden';
import { variableNotSensitive } from './variable-not-sensitive';
import { variableProjectLevel } from './variable-project-level';

export const RULES: readonly FindingRule[] = [
  tokenCompromisedNotDeleted,
  variableNotSensitive,
  tokenPastRotateBy,
  tokenTooOld,
  tokenUnused,
  tokenNeverUsed,
  machineUserSeveralTokens,
  tokenMadeOutsideKeywarden,
  tokenEnvironmentNotNeeded,
  variableNotKeywarden,
  variableInheritable,
  variableProjectLevel,
  variableBuildVisible,
  variableDisabled,
  machineUserSharedAddress,
  machineUserProjectAdmin,
  machineUserRoleAbovePreset,
  machineUserInvitationPending,
  machineUserOwnerUnavailable,
  driftVariable,
  driftRoles,
  driftMembership,
  accessAdminOnProduction,
  redeployFailed,
];

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

export function ruleById(id: string): FindingRule | undefined {
  return BY_ID.get(id);
}

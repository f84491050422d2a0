// The inventory's rows as built from what Platform.sh answers: one mapping, used by the sync and by
// Keywarden's own writes (own-writes.ts), so that both store the same thing for the same answer.
import type { UserAccess, Variable } from '@/lib/platformsh';

export const toDate = (value: string | null) => (value ? new Date(value) : null);

export function tokenVariableRow(projectId: string, environmentId: string | null, variable: Variable) {
  return {
    projectId,
    environmentId,
    name: variable.name,
    isSensitive: variable.isSensitive,
    isInheritable: variable.isInheritable,
    isEnabled: variable.isEnabled,
    visibleBuild: variable.visibleBuild,
    visibleRuntime: variable.visibleRuntime,
    inherited: variable.inherited,
    remoteCreatedAt: toDate(variable.createdAt),
    remoteUpdatedAt: toDate(variable.updatedAt),
  };
}

export function accessRow(projectId: string, grant: UserAccess) {
  return { projectId, userId: grant.userId, permissions: grant.permissions, grantedAt: toDate(grant.grantedAt), remoteUpdatedAt: toDate(grant.updatedAt) };
}

/** The project's `tokenOnProduction`: a token variable at project level, or on a production environment (its own or inherited). */
export function reachesProduction(rows: readonly { environmentId: string | null }[], productionIds: ReadonlySet<string>): boolean {
  return rows.some((row) => row.environmentId === null || productionIds.has(row.environmentId));
}

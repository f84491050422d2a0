// The Inventory's rows as the page and the exports see them, and the pure rules around them: which
// sections a filter leaves, a token's age, the roles in words, one CSV line per token. No database here.
import { ENVIRONMENT_TYPES, fromPermissions, effectiveRoles, type EnvironmentRole, type EnvironmentType, type ProjectRole, type Purpose } from '@/lib/machine-users/roles';

export type InventoryTokenStatus = 'active' | 'superseded' | 'revoked' | 'compromised';

export interface InventoryRoles {
  project: ProjectRole;
  /** Effective: a project admin counts as admin on every environment type. */
  environments: Record<EnvironmentType, EnvironmentRole>;
}

export interface InventoryToken {
  id: string;
  name: string;
  lastFour: string;
  status: InventoryTokenStatus;
  /** On Platform.sh when Keywarden saw it made, else when it was recorded. */
  createdAt: string;
  ageDays: number;
  rotateBy: string;
  /** Active and past its rotate-by date. */
  overdue: boolean;
  lastUsedAt: string | null;
  /** The environments holding it now, by Keywarden's journal. */
  environments: { id: string; type: string }[];
}

export interface InventoryMachineUser {
  kind: 'machine_user';
  id: string;
  email: string;
  purpose: Purpose;
  state: string;
  project: { id: string; title: string };
  permissions: string[];
  roles: InventoryRoles;
  owner: { email: string; disabled: boolean };
  backupOwner: { email: string; disabled: boolean } | null;
  /** Its tokens that pass the token filters, newest first. */
  tokens: InventoryToken[];
  openFindings: number;
  /** The rules of its open findings. */
  findingRules: string[];
}

export interface InventoryForeignVariable {
  kind: 'foreign_variable';
  id: string;
  /** Its name: `env:PLATFORMSH_CLI_TOKEN` or `env:UPSUN_CLI_TOKEN` (both are tracked). */
  name: string;
  project: { id: string; title: string };
  /** Null: set at project level. */
  environmentId: string | null;
  environmentType: string | null;
  isSensitive: boolean;
  isInheritable: boolean;
  isEnabled: boolean;
  visibleBuild: boolean;
  visibleRuntime: boolean;
  updatedAt: string | null;
  openFindings: number;
}

export interface InventoryOtherAccount {
  kind: 'platform_user';
  project: { id: string; title: string };
  userId: string;
  /** What Platform.sh last said of the account; null when it would not say. */
  email: string | null;
  displayName: string | null;
  permissions: string[];
  roles: InventoryRoles;
  grantedAt: string | null;
  openFindings: number;
}

export type InventoryRecord = InventoryMachineUser | InventoryForeignVariable | InventoryOtherAccount;

export function rolesOf(permissions: readonly string[]): InventoryRoles {
  const roles = fromPermissions(permissions);
  return { project: roles.projectRole, environments: effectiveRoles(roles) };
}

export function ageInDays(createdAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / 86_400_000));
}

/** The CSV's columns: one line per token (a machine user without one gets a line of its own), variable or account. */
export const CSV_COLUMNS = [
  'kind',
  'project_id',
  'project_title',
  'machine_user_id',
  'machine_user_email',
  'purpose',
  'state',
  'project_role',
  ...ENVIRONMENT_TYPES.map((type) => `${type}_role`),
  'owner_email',
  'owner_disabled',
  'backup_owner_email',
  'open_findings',
  'finding_rules',
  'token_id',
  'token_name',
  'token_last_four',
  'token_status',
  'token_created_at',
  'token_age_days',
  'token_rotate_by',
  'token_overdue',
  'token_last_used_at',
  'token_environments',
  'environment_id',
  'environment_type',
  'variable_name',
  'variable_sensitive',
  'variable_inheritable',
  'variable_enabled',
  'variable_visible_build',
  'variable_visible_runtime',
  'variable_updated_at',
  'platformsh_user_id',
  'platformsh_user_email',
  'platformsh_user_name',
  'permissions',
  'granted_at',
] as const;

export type CsvLine = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>>;

const rolesColumns = (roles: InventoryRoles): CsvLine => ({
  project_role: roles.project,
  production_role: roles.environments.production,
  staging_role: roles.environments.staging,
  development_role: roles.environments.development,
});

/** A record as CSV lines: a machine user gives one line per token it shows (or one with no token). */
export function csvLinesOf(record: InventoryRecord): CsvLine[] {
  const project = { project_id: record.project.id, project_title: record.project.title };
  if (record.kind === 'machine_user') {
    const base: CsvLine = {
      kind: record.kind,
      ...project,
      machine_user_id: record.id,
      machine_user_email: record.email,
      purpose: record.purpose,
      state: record.state,
      ...rolesColumns(record.roles),
      permissions: record.permissions.join(' '),
      owner_email: record.owner.email,
      owner_disabled: record.owner.disabled,
      backup_owner_email: record.backupOwner?.email ?? null,
      open_findings: record.openFindings,
      finding_rules: record.findingRules.join(' '),
    };
    if (record.tokens.length === 0) return [base];
    return record.tokens.map((token) => ({
      ...base,
      token_id: token.id,
      token_name: token.name,
      token_last_four: token.lastFour,
      token_status: token.status,
      token_created_at: token.createdAt,
      token_age_days: token.ageDays,
      token_rotate_by: token.rotateBy,
      token_overdue: token.overdue,
      token_last_used_at: token.lastUsedAt,
      token_environments: token.environments.map((environment) => environment.id).join(' '),
    }));
  }
  if (record.kind === 'foreign_variable') {
    return [
      {
        kind: record.kind,
        ...project,
        environment_id: record.environmentId,
        environment_type: record.environmentId === null ? 'project level' : record.environmentType,
        variable_name: record.name,
        variable_sensitive: record.isSensitive,
        variable_inheritable: record.isInheritable,
        variable_enabled: record.isEnabled,
        variable_visible_build: record.visibleBuild,
        variable_visible_runtime: record.visibleRuntime,
        variable_updated_at: record.updatedAt,
        open_findings: record.openFindings,
      },
    ];
  }
  return [
    {
      kind: record.kind,
      ...project,
      platformsh_user_id: record.userId,
      platformsh_user_email: record.email,
      platformsh_user_name: record.displayName,
      permissions: record.permissions.join(' '),
      ...rolesColumns(record.roles),
      granted_at: record.grantedAt,
      open_findings: record.openFindings,
    },
  ];
}

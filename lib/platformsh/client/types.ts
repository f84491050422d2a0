// Keywarden's own view of Platform.sh (STYLE.md habit 4): camelCase, only what the app uses.
// Vendor field names stop at the client; these types never carry a token or a sensitive value.

export type EnvironmentType = 'production' | 'staging' | 'development';
export type EnvironmentStatus = 'active' | 'inactive' | 'paused' | 'dirty' | 'deleting';

export const PROJECT_PERMISSIONS = [
  'admin',
  'viewer',
  'development:admin',
  'development:contributor',
  'development:viewer',
  'staging:admin',
  'staging:contributor',
  'staging:viewer',
  'production:admin',
  'production:contributor',
  'production:viewer',
] as const;
export type ProjectPermission = (typeof PROJECT_PERMISSIONS)[number];

export interface CurrentUser {
  id: string;
  email: string;
  username: string;
  firstName: string;
  lastName: string;
  deactivated: boolean;
}

export interface Organization {
  id: string;
  name: string;
  label: string;
  type: string | null;
  ownerId: string | null;
  status: string | null;
}

export interface Project {
  id: string;
  title: string;
  region: string;
  organizationId: string | null;
  /** `active`, `suspended`, … (the organisation listing's status, or the project's status code). */
  status: string | null;
  defaultBranch: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface Environment {
  id: string;
  projectId: string;
  name: string;
  machineName: string;
  title: string;
  type: EnvironmentType;
  status: EnvironmentStatus;
  parent: string | null;
  isMain: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export type VariableLevel = 'project' | 'environment';

/** A variable's flags. Its value is never part of it: sensitive values are not returned by the API,
 *  and Keywarden has no use for the others. */
export interface Variable {
  name: string;
  level: VariableLevel;
  isSensitive: boolean;
  /** Project variables reach every environment, so they report `true`. */
  isInheritable: boolean;
  isEnabled: boolean;
  visibleBuild: boolean;
  visibleRuntime: boolean;
  isJson: boolean;
  /** An environment variable that comes from a parent environment or the project. */
  inherited: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface VariableInput {
  name: string;
  value: string;
  isSensitive?: boolean;
  isJson?: boolean;
  visibleBuild?: boolean;
  visibleRuntime?: boolean;
  /** Environment variables only. */
  isInheritable?: boolean;
  /** Environment variables only. */
  isEnabled?: boolean;
}

export type VariablePatch = Partial<VariableInput>;

/** What a write that redeploys answers: the activities it started, to follow later. */
export interface AcceptedChange {
  status: string;
  activityIds: string[];
}

export type ActivityState = 'pending' | 'in_progress' | 'complete' | 'cancelled' | 'scheduled' | 'staged';

export interface Activity {
  id: string;
  projectId: string;
  type: string;
  state: ActivityState;
  result: 'success' | 'failure' | null;
  completionPercent: number;
  environments: string[];
  description: string | null;
  createdAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

export interface UserAccess {
  userId: string;
  projectId: string;
  projectTitle: string | null;
  organizationId: string | null;
  permissions: ProjectPermission[];
  grantedAt: string | null;
  updatedAt: string | null;
}

export type InvitationState = 'pending' | 'processing' | 'accepted' | 'cancelled' | 'error';

export interface Invitation {
  id: string;
  projectId: string;
  email: string;
  role: 'admin' | 'viewer' | null;
  state: InvitationState;
  createdAt: string | null;
  updatedAt: string | null;
  finishedAt: string | null;
}

export interface InvitationInput {
  email: string;
  role: 'admin' | 'viewer';
  permissions?: { type: EnvironmentType; role: 'admin' | 'contributor' | 'viewer' }[];
  /** Cancel a pending invitation for the same address and send a new one. */
  force?: boolean;
}

/** An API token's metadata. The token itself is never part of it. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: string | null;
  lastUsedAt: string | null;
  mfaOnCreation: boolean;
}

export interface SshKey {
  keyId: number;
  fingerprint: string | null;
  title: string | null;
}

// Deny by default (SECURITY.md A1): every action and route handler calls authorize() before any
// side effect. The rules are the role × action matrix in role-matrix.json — one table that both
// this function and the replay test read.
import { ROLES as ALL_ROLES, type Role } from '@/lib/roles';
import matrix from './role-matrix.json';

type Rule = 'allow' | 'deny' | 'assigned';
type MatrixRow = Record<Role, Rule> & { mutation: boolean };

const ACTIONS = matrix.actions as Record<string, MatrixRow>;

export type Action = keyof typeof matrix.actions;

export const ROLES: readonly Role[] = ALL_ROLES;

export interface Actor {
  id: string;
  email: string;
  role: Role;
  /** Projects assigned to an onboarder (empty for other roles: they are not scoped). */
  projectIds: readonly string[];
}

export interface Resource {
  /** The Platform.sh project the action touches, derived from the record, never trusted from input. */
  projectId?: string;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

export function isAction(value: string): value is Action {
  return Object.hasOwn(ACTIONS, value);
}

export function isMutation(action: Action): boolean {
  return ACTIONS[action]?.mutation ?? true;
}

export function ruleFor(role: Role, action: Action): Rule {
  return ACTIONS[action]?.[role] ?? 'deny';
}

export function authorize(actor: Actor | null | undefined, action: Action, resource: Resource = {}): Decision {
  if (!actor) return { allowed: false, reason: 'not signed in' };
  const rule = ruleFor(actor.role, action);
  if (rule === 'allow') return { allowed: true };
  if (rule === 'assigned') {
    if (resource.projectId && actor.projectIds.includes(resource.projectId)) return { allowed: true };
    return { allowed: false, reason: `project ${resource.projectId ?? '(none)'} is not assigned to this ${actor.role}` };
  }
  return { allowed: false, reason: `role ${actor.role} may not ${action}` };
}

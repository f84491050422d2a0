// Which environments of a project already hold the CLI token variable a push would set (the
// vendor's name: `env:PLATFORMSH_CLI_TOKEN` or `env:UPSUN_CLI_TOKEN`) that this machine
// user's pushes did not set, as the inventory last saw them, and which child environments inherit
// that variable now (SECURITY.md R8; issue 14.6). The record form flags them before anything is
// verified, so that the person decides once. The push re-reads every target on Platform.sh before
// writing: this view is advice, the push's own check is the guard.
import { getDb } from '@/lib/db';

export interface ForeignVariable {
  /** Its flags as last synced: an inheritable one reaches child environments that set none. */
  isInheritable: boolean;
  /** Child environments (at any depth) that inherit it now and lose it once Keywarden's non-inheritable variable replaces it. */
  inheritedBy: string[];
  /** Descendants whose variables the inventory has not read: whether they inherit it is not known. */
  unknown: string[];
  /** A project-level variable exists too: the children may fall back to it. */
  hasProjectVariable: boolean;
  /** When the inventory read it. */
  seenAt: string | null;
}

interface EnvironmentRow {
  id: string;
  parent: string | null;
  variablesReadAt: Date | null;
}

interface VariableRow {
  environmentId: string | null;
  isInheritable: boolean;
  inherited: boolean;
}

/**
 * The pure part: for each environment with its own variable, the descendants that inherit it. A
 * descendant with a variable of its own overrides it, for itself and for its own children.
 */
export function describeForeignVariables(environments: readonly EnvironmentRow[], variables: readonly VariableRow[], owned: ReadonlySet<string>): Map<string, ForeignVariable> {
  const own = new Map(variables.filter((row) => row.environmentId !== null && !row.inherited).map((row) => [row.environmentId!, row]));
  const inheriting = new Set(variables.filter((row) => row.environmentId !== null && row.inherited).map((row) => row.environmentId!));
  const hasProjectVariable = variables.some((row) => row.environmentId === null);
  const children = new Map<string, EnvironmentRow[]>();
  for (const environment of environments) {
    if (environment.parent) children.set(environment.parent, [...(children.get(environment.parent) ?? []), environment]);
  }
  const byId = new Map(environments.map((environment) => [environment.id, environment]));
  const result = new Map<string, ForeignVariable>();
  for (const [environmentId, variable] of own) {
    if (owned.has(environmentId) || !byId.has(environmentId)) continue;
    const inheritedBy: string[] = [];
    const unknown: string[] = [];
    if (variable.isInheritable) {
      const queue = [...(children.get(environmentId) ?? [])];
      while (queue.length) {
        const child = queue.shift()!;
        if (own.has(child.id)) continue;
        if (child.variablesReadAt === null) unknown.push(child.id);
        else if (inheriting.has(child.id)) inheritedBy.push(child.id);
        queue.push(...(children.get(child.id) ?? []));
      }
    }
    result.set(environmentId, { isInheritable: variable.isInheritable, inheritedBy: inheritedBy.sort(), unknown: unknown.sort(), hasProjectVariable, seenAt: byId.get(environmentId)?.variablesReadAt?.toISOString() ?? null });
  }
  return result;
}

/** The foreign variables named `name` of the machine user's project, from the inventory (no call to Platform.sh). */
export async function foreignVariablesOf(machineUserId: string, projectId: string, name: string): Promise<Map<string, ForeignVariable>> {
  const db = getDb();
  const [environments, variables, steps] = await Promise.all([
    db.environment.findMany({ where: { projectId }, select: { id: true, parent: true, variablesReadAt: true } }),
    db.tokenVariable.findMany({ where: { projectId, name }, select: { environmentId: true, isInheritable: true, inherited: true } }),
    // The push's own rule (push.ts ownedEnvironments): where this machine user's tokens were set before.
    db.pushStep.findMany({ where: { projectId, status: 'succeeded', variableName: name, run: { machineUserId } }, select: { environmentId: true }, distinct: ['environmentId'] }),
  ]);
  return describeForeignVariables(environments, variables, new Set(steps.map((step) => step.environmentId)));
}

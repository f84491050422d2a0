// Sandbox mode only: changes a machine user's project on the simulated Platform.sh behind Keywarden's
// back, as a person in the Console would, so that each kind of drift (SECURITY.md R7, issue 15 §3)
// can be tried without a real organisation: the next inventory sync sees it, and the findings and the
// pages show it. Never available in live mode. Keywarden's own records are not touched.
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { activeSandboxEndpoint, configuredVendor } from '@/lib/domain/platformsh-connection';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { CLI_TOKEN_VARIABLE_NAMES, type VendorProfile } from '@/lib/platformsh';
import { sandboxDriftSchema, type SandboxDriftKind } from '@/lib/validations/machine-users';
import type { RequestContext } from '../context';
import { currentHoldings } from '../tokens/holders';

// The simulator changes the variable of its vendor's name, which is the configured vendor's.
const DONE: Record<SandboxDriftKind, (where: string, vendor: VendorProfile) => string> = {
  delete_variable: (where, vendor) => `${vendor.tokenVariable} was deleted on ${where}.`,
  weaken_variable: (where, vendor) => `${vendor.tokenVariable} on ${where} is now inheritable and disabled.`,
  add_variable: (where, vendor) => `A hand-set ${vendor.tokenVariable} was added on ${where}.`,
  escalate_roles: (_, vendor) => `Its access on ${vendor.productName} is now project admin.`,
  remove_member: (_, vendor) => `It was removed from the project on ${vendor.productName}.`,
};

/** Where a kind of drift is made: an environment, or the machine user's account; null when it has none. */
async function driftTarget(kind: SandboxDriftKind, machineUser: { id: string; projectId: string; platformshUserId: string | null }) {
  if (kind === 'escalate_roles' || kind === 'remove_member') {
    return machineUser.platformshUserId ? { user_id: machineUser.platformshUserId, where: 'the project' } : null;
  }
  if (kind === 'add_variable') {
    // An environment of the project with no token variable of its own, as the last sync saw it.
    const holding = await getDb().tokenVariable.findMany({
      where: { projectId: machineUser.projectId, name: { in: [...CLI_TOKEN_VARIABLE_NAMES] }, inherited: false, environmentId: { not: null } },
      select: { environmentId: true },
    });
    const environment = await getDb().environment.findFirst({
      where: { projectId: machineUser.projectId, id: { notIn: holding.map((row) => row.environmentId ?? '') } },
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    return environment ? { environment_id: environment.id, where: environment.id } : null;
  }
  // An environment holding its token whose variable the last sync still saw there.
  const seen = await getDb().tokenVariable.findMany({
    where: { projectId: machineUser.projectId, name: { in: [...CLI_TOKEN_VARIABLE_NAMES] }, inherited: false, environmentId: { not: null } },
    select: { environmentId: true },
  });
  const present = new Set(seen.map((row) => row.environmentId));
  const holding = (await currentHoldings([machineUser.id]))
    .filter((candidate) => candidate.projectId === machineUser.projectId && present.has(candidate.environmentId))
    .sort((a, b) => a.environmentId.localeCompare(b.environmentId))[0];
  return holding ? { environment_id: holding.environmentId, where: holding.environmentId } : null;
}

export async function makeSandboxDrift(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ message: string }>> {
  const endpoint = activeSandboxEndpoint();
  if (!endpoint) return fail('forbidden', `Only sandbox mode can change ${configuredVendor().productName} behind Keywarden’s back.`);
  const parsed = sandboxDriftSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Choose a machine user and a kind of drift.');
  const { machineUserId, kind } = parsed.data;
  const db = getDb();
  const machineUser = await db.machineUser.findUnique({ where: { id: machineUserId }, select: { id: true, projectId: true, platformshUserId: true, state: true } });
  // The same permission as changing its roles: what this does is a change on Platform.sh.
  if (!machineUser || !authorize(context.actor, 'machine_user.change_roles', { projectId: machineUser.projectId }).allowed) {
    return fail('not_found', 'There is no such machine user, or its project is not assigned to you.');
  }
  const target = await driftTarget(kind, machineUser);
  if (!target) {
    return fail('conflict', kind === 'add_variable' ? 'Every environment of the project already has the variable.' : kind.endsWith('_variable') ? 'No environment holds a token of this machine user.' : `The machine user has no ${configuredVendor().productName} account yet (its invitation is not accepted).`);
  }
  const { where, ...body } = target;
  const response = await fetch(new URL(`/_console/projects/${encodeURIComponent(machineUser.projectId)}/drift`, endpoint.apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind, ...body }),
  });
  if (!response.ok) return fail('conflict', 'The simulator did not make that change: the inventory may be out of date. Sync, then try again.');
  await recordAudit(db, {
    actor: context.actor,
    action: 'machine_user.sandbox_drift',
    outcome: 'succeeded',
    clientAddress: context.clientAddress,
    target: { type: 'machine_user', id: machineUser.id },
    details: { kind, ...body },
  });
  return ok({ message: `${DONE[kind](where, configuredVendor())} Keywarden sees it at the next inventory sync.` });
}

// Sandbox mode only: the simulator's switch that makes a project's redeploys fail (issue 20 §2), so
// that following a redeploy after a push — and the failure on the step, the finding, the
// notification — can be tried without a real organisation. Never available in live mode. Activities
// already started keep their outcome; the switch decides those that start after it.
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { activeSandboxEndpoint, configuredVendor } from '@/lib/domain/platformsh-connection';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { sandboxRedeploysSchema } from '@/lib/validations/tokens';
import type { RequestContext } from '../context';

function switchUrl(apiUrl: URL, projectId: string): URL {
  return new URL(`/_console/projects/${encodeURIComponent(projectId)}/redeploys`, apiUrl);
}

/** Whether the simulator fails the project's redeploys now; null outside sandbox mode or when it does not answer. */
export async function sandboxRedeploysFail(projectId: string): Promise<boolean | null> {
  const endpoint = activeSandboxEndpoint();
  if (!endpoint) return null;
  try {
    const response = await fetch(switchUrl(endpoint.apiUrl, projectId), { cache: 'no-store' });
    if (!response.ok) return null;
    return ((await response.json()) as { fail?: unknown }).fail === true;
  } catch {
    return null;
  }
}

export async function setSandboxRedeploys(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ message: string; fail: boolean }>> {
  const endpoint = activeSandboxEndpoint();
  if (!endpoint) return fail('forbidden', 'Only sandbox mode can make redeploys fail.');
  const parsed = sandboxRedeploysSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Choose a machine user, and whether its project’s redeploys fail.');
  const { machineUserId, fail: shouldFail } = parsed.data;
  const db = getDb();
  const machineUser = await db.machineUser.findUnique({ where: { id: machineUserId }, select: { id: true, projectId: true } });
  if (!machineUser) return fail('not_found', 'There is no such machine user.');
  // Its own row in the role matrix, ruled like pushing a token (what it changes is how the pushes'
  // redeploys end): admins, and onboarders on their projects. A refusal changes nothing and is audited.
  const decision = authorize(context.actor, 'token.sandbox_redeploys', { projectId: machineUser.projectId });
  if (!decision.allowed) {
    await recordAudit(db, {
      actor: context.actor,
      action: 'token.sandbox_redeploys',
      outcome: 'refused',
      reason: decision.reason,
      clientAddress: context.clientAddress,
      target: { type: 'machine_user', id: machineUser.id },
    });
    return fail('forbidden', 'You may not change how this project’s redeploys end in the simulator.');
  }
  const response = await fetch(switchUrl(endpoint.apiUrl, machineUser.projectId), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fail: shouldFail }),
  }).catch(() => null);
  if (!response?.ok) return fail('conflict', 'The simulator did not make that change: the inventory may be out of date. Sync, then try again.');
  await recordAudit(db, {
    actor: context.actor,
    action: 'token.sandbox_redeploys',
    outcome: 'succeeded',
    clientAddress: context.clientAddress,
    target: { type: 'machine_user', id: machineUser.id },
    details: { projectId: machineUser.projectId, fail: shouldFail },
  });
  const productName = configuredVendor().productName;
  return ok({
    fail: shouldFail,
    message: shouldFail
      ? `The project’s next redeploys on ${productName} (the simulator) will fail. Push a token to see Keywarden follow one.`
      : `The project’s next redeploys on ${productName} (the simulator) will succeed again.`,
  });
}

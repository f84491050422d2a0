// Sandbox mode only: "Run the cron now". The simulator's Console runs the production environment's
// cron as it would run on schedule — its CLI call exchanges the environment's env:PLATFORMSH_CLI_TOKEN
// — and reports the token's id and new last_used_at, as the cron's log would. Keywarden keeps that
// last use on its token record, so the checklist's last step can turn green without waiting for a
// real schedule. Refused in live mode: a real cron runs on Platform.sh's schedule, not on a button.
import 'server-only';
import { z } from 'zod';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import { sandboxCronSchema } from '@/lib/validations/onboarding';
import { activeSandboxEndpoint, configuredVendor } from '@/lib/domain/platformsh-connection';
import type { RequestContext } from '../context';
import { recordLastUse } from '../tokens/last-use';

export interface CronRunOutcome {
  environmentId: string;
  /** When Platform.sh saw the token used (ISO). */
  lastUsedAt: string | null;
  /** Whether the token is one Keywarden recorded for a machine user of this project. */
  isRecorded: boolean;
  message: string;
}

const cronRunAnswerSchema = z.object({
  user_id: z.string(),
  api_token: z.object({ id: z.string(), last_used_at: z.string().nullable() }),
});

const errorAnswerSchema = z.object({ error: z.string().optional(), detail: z.string().optional(), title: z.string().optional() });

export async function runCronInSandbox(context: RequestContext, rawInput: unknown): Promise<ActionResult<CronRunOutcome>> {
  const endpoint = activeSandboxEndpoint();
  if (!endpoint) return fail('forbidden', `Only sandbox mode can run a cron on demand: on ${configuredVendor().productName} the cron runs on its schedule.`);
  const parsed = sandboxCronSchema.safeParse(rawInput);
  if (!parsed.success) return fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
  const { projectId } = parsed.data;
  const db = getDb();
  const audit = (outcome: 'succeeded' | 'refused' | 'failed', reason: string | undefined, details?: Record<string, string | number | null>) =>
    recordAudit(db, { actor: context.actor, action: 'onboarding.sandbox_cron_run', outcome, reason, clientAddress: context.clientAddress, target: { type: 'project', id: projectId }, details });

  // Who may confirm the configuration may also try it out; a reviewer changes nothing.
  const project = await db.project.findUnique({ where: { id: projectId }, select: { id: true } });
  if (!project || !authorize(context.actor, 'onboarding.confirm_config', { projectId: project.id }).allowed) {
    await audit('refused', project ? `role ${context.actor.role} may not run the cron of project ${projectId}` : 'unknown project');
    return fail('forbidden', 'You do not have permission to run this project’s cron.');
  }
  const environment = parsed.data.environmentId
    ? await db.environment.findUnique({ where: { projectId_id: { projectId, id: parsed.data.environmentId } }, select: { id: true } })
    : await db.environment.findFirst({ where: { projectId, type: 'production' }, orderBy: [{ isMain: 'desc' }, { id: 'asc' }], select: { id: true } });
  if (!environment) return fail('invalid_input', parsed.data.environmentId ? 'There is no such environment in this project.' : 'This project has no production environment: sync it first.', { environmentId: ['Unknown environment.'] });

  const response = await fetch(new URL(`/_console/projects/${encodeURIComponent(projectId)}/environments/${encodeURIComponent(environment.id)}/run-cron`, endpoint.apiUrl), { method: 'POST' });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = errorAnswerSchema.safeParse(body);
    const reason = (problem.success && (problem.data.error ?? problem.data.detail ?? problem.data.title)) || `HTTP ${response.status}`;
    await audit('failed', reason, { environmentId: environment.id });
    return fail('conflict', `The cron could not run: ${reason}`);
  }
  const answer = cronRunAnswerSchema.safeParse(body);
  if (!answer.success) {
    await audit('failed', 'unreadable answer from the simulator', { environmentId: environment.id });
    return fail('internal', 'The simulator answered in a way Keywarden does not understand. Nothing was recorded.');
  }
  const { id: platformshTokenId, last_used_at: lastUsed } = answer.data.api_token;
  const updated = await recordLastUse(db, { machineUser: { projectId } }, [{ id: platformshTokenId, lastUsedAt: lastUsed }]);
  const isRecorded = updated > 0;
  await audit('succeeded', undefined, { environmentId: environment.id, platformshTokenId, lastUsedAt: lastUsed, recordedTokens: updated });
  return ok({
    environmentId: environment.id,
    lastUsedAt: lastUsed,
    isRecorded,
    message: isRecorded
      ? `The cron ran on ${environment.id} with the recorded token: ${configuredVendor().productName} saw it used at ${lastUsed}.`
      : `The cron ran on ${environment.id}, but with a token Keywarden has not recorded for this project (set by hand, or by another tool).`,
  });
}

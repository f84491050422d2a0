'use server';
// Server actions of incident response (issue 18.3): plan (create), dry run, execute (the incident's
// name typed again), resume. Admins only (incident.plan, incident.execute); the execution goes on in
// this process after the action answers, and the incident's page shows its progress.
import { revalidatePath } from 'next/cache';
import type { Action } from '@/lib/auth/authorize';
import type { RequestContext } from '@/lib/domain/context';
import { createIncident, dryRunIncident, type DryRunSummary } from '@/lib/domain/incidents/plan';
import { executeRotation, resumeRotation, type RotationReport } from '@/lib/domain/incidents/rotation';
import { executeIncident, resumeIncident } from '@/lib/domain/incidents/run';
import type { ActionResult } from '@/lib/errors';
import { asSignedInUser, tokenDepsWith, withDashboardClient, type DashboardClient } from './signed-in';
import { withSubmittedValues } from './submitted-values';

/** What a form shows: nothing yet, or the last answer. */
export type FormState<T> = ActionResult<T> | null;

function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

async function inIncidents<T>(action: Action, form: unknown, run: (context: RequestContext, client: DashboardClient) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return withDashboardClient(
    action,
    async (context, client) => {
      const result = await run(context, client);
      revalidatePath('/incidents', 'layout');
      return result;
    },
    { form },
  );
}

/** The plan form's fields, echoed with a refusal (none of them is a secret). */
const INCIDENT_PLAN_FIELDS = ['name', 'reason', 'kind', 'projectId', 'purpose', 'environmentType', 'buildVisible', 'pushedBy', 'recordedBefore', 'all'];

export async function createIncidentAction(_previous: FormState<{ incidentId: string; tokens: number; variables: number }>, form: FormData): Promise<ActionResult<{ incidentId: string; tokens: number; variables: number }>> {
  return asSignedInUser('incident.plan', async (context) => {
    const input = {
      kind: field(form, 'kind'),
      name: field(form, 'name'),
      reason: field(form, 'reason'),
      filter: {
        projectId: field(form, 'projectId'),
        purpose: field(form, 'purpose'),
        environmentType: field(form, 'environmentType'),
        buildVisible: field(form, 'buildVisible'),
        pushedBy: field(form, 'pushedBy'),
        recordedBefore: field(form, 'recordedBefore'),
        all: field(form, 'all') === 'on',
      },
    };
    const result = await createIncident(context, input);
    revalidatePath('/incidents', 'layout');
    // Echoed to a signed-in caller only: a refused stranger gets nothing of the form back.
    return withSubmittedValues(form, INCIDENT_PLAN_FIELDS, result);
  }, { form });
}

export async function dryRunIncidentAction(_previous: FormState<DryRunSummary>, form: FormData): Promise<ActionResult<DryRunSummary>> {
  return inIncidents('incident.plan', form, (context, client) => dryRunIncident(context, { incidentId: field(form, 'incidentId') }, client));
}

export async function executeIncidentAction(_previous: FormState<{ incidentId: string }>, form: FormData): Promise<ActionResult<{ incidentId: string }>> {
  return inIncidents('incident.execute', form, async (context, client) =>
    withSubmittedValues(form, ['confirmName'], await executeIncident(context, { incidentId: field(form, 'incidentId'), confirmName: field(form, 'confirmName') ?? '' }, tokenDepsWith(client))),
  );
}

export async function resumeIncidentAction(_previous: FormState<{ incidentId: string }>, form: FormData): Promise<ActionResult<{ incidentId: string }>> {
  return inIncidents('incident.execute', form, (context, client) => resumeIncident(context, { incidentId: field(form, 'incidentId') }, tokenDepsWith(client)));
}

/** The bootstrap fields of a bulk rotation's form (`bootstrap:<machine user id>`): values held by this request only. */
function bootstrapsOf(form: FormData): Record<string, string> {
  const bootstraps: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (name.startsWith('bootstrap:') && typeof value === 'string') bootstraps[name.slice('bootstrap:'.length)] = value;
  }
  return bootstraps;
}

/** Executes a bulk rotation within this request (its bootstrap tokens live nowhere else): answers once it is verified. */
export async function executeRotationAction(_previous: FormState<{ incidentId: string; report: RotationReport | null }>, form: FormData): Promise<ActionResult<{ incidentId: string; report: RotationReport | null }>> {
  return inIncidents('incident.execute', form, (context, client) =>
    executeRotation(context, { incidentId: field(form, 'incidentId'), confirmName: field(form, 'confirmName') ?? '', bootstraps: bootstrapsOf(form) }, tokenDepsWith(client)),
  );
}

export async function resumeRotationAction(_previous: FormState<{ incidentId: string; report: RotationReport | null }>, form: FormData): Promise<ActionResult<{ incidentId: string; report: RotationReport | null }>> {
  return inIncidents('incident.execute', form, (context, client) => resumeRotation(context, { incidentId: field(form, 'incidentId'), bootstraps: bootstrapsOf(form) }, tokenDepsWith(client)));
}

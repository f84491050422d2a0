// REST API v1 of incident response (issue 18.3): list and read incidents with their items and
// report, plan one from a filter, its dry run, its execution (the incident's name typed again, as a
// field) and its resume. Each handler calls the same domain function as the Incidents page's
// actions (lib/actions/incidents.ts) with the RequestContext of the key or session, so authorize()
// decides with the same rows (incident.read, incident.plan, incident.execute) and the domain writes
// the same audit rows. Like a push, an execution answers 202 once the run is claimed (its audit row
// committed, L1) and goes on in this process; the incident (`Location`) is what the caller polls. If
// the process stops, the incident is interrupted and resumed automatically by the job queue
// (lib/domain/incidents/auto-resume.ts), or at once with `POST …/resume`. A bulk rotation takes one
// bootstrap token per machine user in its execute and resume bodies: the values live in this
// process's memory while its run goes on (as a push's token does), so it is never resumed
// automatically — its resume asks for them again.
import 'server-only';
import { z } from 'zod';
import { createIncident, dryRunIncident, type DryRunReading, type PlannedVariable } from '@/lib/domain/incidents/plan';
import { auditRefusedIncidentRead, getIncident, listIncidents, type IncidentItemView, type IncidentView } from '@/lib/domain/incidents/queries';
import { executeIncident, resumeIncident, type IncidentDeps, type IncidentReport } from '@/lib/domain/incidents/run';
import { executeRotation, resumeRotation, type RotationDeps, type RotationReport } from '@/lib/domain/incidents/rotation';
import { tokenDepsWith } from '@/lib/actions/signed-in';
import { authorize } from '@/lib/auth/authorize';
import type { RequestContext } from '@/lib/domain/context';
import { fail, type ActionResult, type ErrorBody } from '@/lib/errors';
import { PURPOSES } from '@/lib/machine-users/roles';
import { COMPROMISE_REASON_MAX_LENGTH, INCIDENT_NAME_MAX_LENGTH } from '@/lib/validations/limits';
import { ENVIRONMENT_TYPES } from '@/lib/validations/incidents';
import type { Authenticated } from './authenticate';
import { defineEndpoint, type ApiAnswer, type Endpoint } from './endpoint';
import { DEFAULT_LIMIT, listSchema, nextCursor, pageOf, paginationQuery } from './pagination';
import { asCaller, continueInBackground, dashboardFor, tokenValue } from './write-operations';

// ---- schemas ------------------------------------------------------------------------------------

const timestamp = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });
const iso = (date: Date | null) => date?.toISOString() ?? null;
const INCIDENT_STATES = ['planned', 'running', 'interrupted', 'finished'] as const;
const ITEM_STATUSES = ['pending', 'running', 'done', 'partial', 'failed', 'skipped'] as const;

/** The selection, in this API's names (the domain's are camelCase: lib/validations/incidents.ts). */
const FILTER_FIELDS = {
  project_id: 'projectId',
  purpose: 'purpose',
  environment_type: 'environmentType',
  build_visible: 'buildVisible',
  pushed_by: 'pushedBy',
  recorded_before: 'recordedBefore',
  all: 'all',
} as const;

const filterSchema = z
  .strictObject({
    project_id: z.string().regex(/^[a-z0-9-]{1,64}$/).optional().meta({ description: 'Tokens of this project.' }),
    purpose: z.enum(PURPOSES).optional().meta({ description: 'Tokens of machine users with this purpose.' }),
    environment_type: z.enum(ENVIRONMENT_TYPES).optional().meta({ description: 'Tokens set on an environment of this type.' }),
    build_visible: z.enum(['yes', 'no']).optional().meta({ description: '`yes`: only tokens pushed visible at build time; `no`: only runtime-only ones.' }),
    pushed_by: z.email().max(254).optional().meta({ description: 'The dashboard user who recorded or pushed the token.' }),
    recorded_before: z.iso.date().optional().meta({ description: 'Tokens recorded before this day (YYYY-MM-DD, UTC).' }),
    all: z.boolean().optional().meta({ description: 'Every open token: required when nothing else narrows the selection.' }),
  })
  .meta({ id: 'IncidentFilter', description: 'Which open tokens the incident takes away; the criteria combine (AND).' });

const filterOut = z.object(Object.fromEntries(Object.keys(FILTER_FIELDS).map((name) => [name, z.union([z.string(), z.boolean()]).optional()]))).meta({ id: 'IncidentSelection' });

function filterDto(filter: Record<string, unknown>): Record<string, string | boolean> {
  const result: Record<string, string | boolean> = {};
  for (const [apiName, domainName] of Object.entries(FILTER_FIELDS)) {
    const value = filter[domainName];
    if (typeof value === 'string' || typeof value === 'boolean') result[apiName] = value;
  }
  return result;
}

const INCIDENT_KINDS = ['revocation', 'rotation'] as const;
const kindSchema = z.enum(INCIDENT_KINDS).meta({ description: 'A bulk revocation, or a bulk rotation (its execution and resume take a bootstrap token per machine user).' });

const summarySchema = z
  .object({
    id: z.string(),
    kind: kindSchema,
    name: z.string(),
    state: z.enum(INCIDENT_STATES).meta({ description: '`interrupted`: running, but its process stopped (resumed automatically, or with `POST …/resume`).' }),
    created_at: timestamp,
    tokens: z.int().min(0),
  })
  .meta({ id: 'IncidentSummary' });

const reportSchema = z
  .object({
    verified_at: timestamp,
    tokens: z.int(),
    projects: z.int(),
    variables_planned: z.int(),
    variables_deleted: z.int(),
    variables_remaining: z.int(),
    tokens_deleted_on_platform: z.int(),
    tokens_to_delete_on_platform: z.int().meta({ description: 'Tokens that still work: only a live token of their machine user can delete them (open tasks).' }),
    open_tasks: z.array(
      z.object({
        token_id: z.string(),
        last_four: z.string(),
        machine_user: z.string().meta({ description: 'The machine user’s e-mail address.' }),
        project_id: z.string(),
        tasks: z.array(z.string()).meta({ description: 'What is left for this token, and why, in words.' }),
      }),
    ),
  })
  .meta({ id: 'IncidentReport', description: 'The verification pass’s findings after the run: what was revoked, what remains open and why.' });

const rotationReportSchema = z
  .object({
    kind: z.literal('rotation'),
    verified_at: timestamp,
    tokens: z.int(),
    projects: z.int(),
    machine_users: z.int(),
    rotated: z.int(),
    not_rotated: z.int(),
    variables_planned: z.int(),
    variables_verified: z.int().meta({ description: 'Environments that hold the fresh token, by the journal, and whose variable Platform.sh shows.' }),
    variables_not_verified: z.int(),
    old_tokens_deleted: z.int(),
    bootstraps_deleted: z.int(),
    machine_users_report: z.array(
      z.object({
        machine_user_id: z.string(),
        machine_user: z.string(),
        project_id: z.string(),
        tokens: z.int(),
        rotated: z.int(),
        outcome: z.string().meta({ description: '`rotated`, `partly rotated`, `stopped`, or why it was not rotated.' }),
        why: z.string().nullable(),
        bootstrap_deleted: z.boolean(),
      }),
    ),
    open_tasks: z.array(z.object({ token_id: z.string(), last_four: z.string(), machine_user: z.string(), project_id: z.string(), tasks: z.array(z.string()) })),
  })
  .meta({ id: 'RotationReport', description: 'A bulk rotation’s verification: per machine user, what was rotated, and what was not and why.' });

const itemSchema = z
  .object({
    id: z.string(),
    status: z.enum(ITEM_STATUSES),
    token: z.object({ id: z.string(), name: z.string(), last_four: z.string(), status: z.string(), deleted_on_platform: z.boolean(), known_on_platform: z.boolean() }),
    machine_user: z.object({ id: z.string(), email: z.string(), purpose: z.string() }),
    project: z.object({ id: z.string(), title: z.string() }),
    variables: z.array(z.object({ project_id: z.string(), environment_id: z.string(), environment_type: z.string(), variable_name: z.string() })).meta({ description: 'The variables to delete (by Keywarden’s push journal).' }),
    dry_run: z
      .array(z.object({ environment_id: z.string(), variable_name: z.string(), state: z.enum(['present', 'absent', 'unreadable']), detail: z.string().nullable() }))
      .nullable()
      .meta({ description: 'What the dry run read on Platform.sh (null before it).' }),
    what_stops: z.string().meta({ description: 'What stops working once the token is gone.' }),
    open_tasks: z.array(z.string()),
  })
  .meta({ id: 'IncidentItem' });

const incidentSchema = z
  .object({
    id: z.string(),
    kind: kindSchema,
    name: z.string(),
    reason: z.string().nullable(),
    selection: filterOut,
    state: z.enum(INCIDENT_STATES),
    created_at: timestamp,
    created_by: z.string().nullable(),
    dry_run_at: timestamp.nullable(),
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
    progress: z.object(Object.fromEntries(ITEM_STATUSES.map((status) => [status, z.int().min(0)])) as Record<(typeof ITEM_STATUSES)[number], z.ZodInt>).meta({ description: 'Items (tokens) per status: the live progress of a run.' }),
    tokens: z.int().min(0),
    variables: z.int().min(0),
    projects: z.int().min(0),
    items: z.array(itemSchema).meta({ description: 'A page of the plan, one item per token (`cursor`, `limit`).' }),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page of items (null: last page).' }),
    report: z.union([reportSchema, rotationReportSchema]).nullable().meta({ description: 'Once finished: a revocation’s report, or a rotation’s (`kind: rotation`).' }),
  })
  .meta({ id: 'Incident' });

const dryRunSchema = z
  .object({
    summary: z.object({ present: z.int(), absent: z.int(), unreadable: z.int() }).meta({ description: 'Planned variables as read on Platform.sh: still there, already gone, or not readable now.' }),
    incident: incidentSchema,
  })
  .meta({ id: 'IncidentDryRun' });

function itemDto(item: IncidentItemView): z.infer<typeof itemSchema> {
  return {
    id: item.id,
    status: item.status,
    token: { id: item.token.id, name: item.token.name, last_four: item.token.lastFour, status: item.token.status, deleted_on_platform: item.token.deletedOnPlatform, known_on_platform: item.token.knownOnPlatform },
    machine_user: item.machineUser,
    project: { id: item.projectId, title: item.projectTitle },
    variables: item.variables.map((variable: PlannedVariable) => ({ project_id: variable.projectId, environment_id: variable.environmentId, environment_type: variable.environmentType, variable_name: variable.variableName })),
    dry_run: item.dryRun?.map((reading: DryRunReading) => ({ environment_id: reading.environmentId, variable_name: reading.variableName, state: reading.state, detail: reading.detail ?? null })) ?? null,
    what_stops: item.whatStops,
    open_tasks: item.openTasks,
  };
}

function reportDto(report: IncidentReport): z.infer<typeof reportSchema> {
  return {
    verified_at: report.verifiedAt,
    tokens: report.tokens,
    projects: report.projects,
    variables_planned: report.variablesPlanned,
    variables_deleted: report.variablesDeleted,
    variables_remaining: report.variablesRemaining,
    tokens_deleted_on_platform: report.tokensDeletedOnPlatform,
    tokens_to_delete_on_platform: report.tokensToDeleteOnPlatform,
    open_tasks: report.openTasks.map((task) => ({ token_id: task.tokenId, last_four: task.lastFour, machine_user: task.machineUser, project_id: task.projectId, tasks: task.tasks })),
  };
}

function rotationReportDto(report: RotationReport): z.infer<typeof rotationReportSchema> {
  return {
    kind: 'rotation',
    verified_at: report.verifiedAt,
    tokens: report.tokens,
    projects: report.projects,
    machine_users: report.machineUsers,
    rotated: report.rotated,
    not_rotated: report.notRotated,
    variables_planned: report.variablesPlanned,
    variables_verified: report.variablesVerified,
    variables_not_verified: report.variablesNotVerified,
    old_tokens_deleted: report.oldTokensDeleted,
    bootstraps_deleted: report.bootstrapsDeleted,
    machine_users_report: report.groups.map((group) => ({
      machine_user_id: group.machineUserId,
      machine_user: group.machineUser,
      project_id: group.projectId,
      tokens: group.tokens,
      rotated: group.rotated,
      outcome: group.outcome,
      why: group.why ?? null,
      bootstrap_deleted: group.bootstrapDeleted,
    })),
    open_tasks: report.openTasks.map((task) => ({ token_id: task.tokenId, last_four: task.lastFour, machine_user: task.machineUser, project_id: task.projectId, tasks: task.tasks })),
  };
}

function anyReportDto(report: IncidentReport | RotationReport) {
  return 'kind' in report && report.kind === 'rotation' ? rotationReportDto(report) : reportDto(report as IncidentReport);
}

function incidentDto(incident: IncidentView, limit: number): z.infer<typeof incidentSchema> {
  return {
    id: incident.id,
    kind: incident.kind,
    name: incident.name,
    reason: incident.reason,
    selection: filterDto(incident.filter),
    state: incident.state,
    created_at: incident.createdAt.toISOString(),
    created_by: incident.createdBy,
    dry_run_at: iso(incident.dryRunAt),
    started_at: iso(incident.startedAt),
    finished_at: iso(incident.finishedAt),
    progress: incident.progress,
    tokens: incident.total,
    variables: incident.variables,
    projects: incident.projects,
    items: incident.items.map(itemDto),
    next_cursor: nextCursor(incident.page, limit, incident.total),
    report: incident.report ? anyReportDto(incident.report) : null,
  };
}

// ---- plumbing -------------------------------------------------------------------------------------

const NOT_FOUND = 'There is no such incident.';
const badCursor = (message: string) => fail('invalid_input', message, { cursor: [message] });

const mayRead = (auth: Authenticated) => authorize(auth.context.actor, 'incident.read').allowed;

/** A read refused by role: audited like the Incidents page's refusal (L3), then 403. */
async function refusedRead(auth: Authenticated): Promise<ApiAnswer> {
  await auditRefusedIncidentRead(auth.context);
  return fail('forbidden', 'You do not have permission to read incidents.');
}

/** The incident with its first page of items (as the caller sees it), or the refusal. */
async function incidentAnswer(auth: Authenticated, incidentId: string, page = 1, limit = DEFAULT_LIMIT, extra: { status?: 200 | 201 | 202; wrap?: (incident: z.infer<typeof incidentSchema>) => unknown } = {}): Promise<ApiAnswer> {
  const incident = await getIncident(auth.context, incidentId, page, { pageSize: limit });
  if (!incident) return fail('not_found', NOT_FOUND);
  const body = incidentDto(incident, limit);
  const status = extra.status ?? 200;
  return { ok: true, status, body: extra.wrap ? extra.wrap(body) : body, ...(status === 201 || status === 202 ? { headers: { Location: `/api/v1/incidents/${incidentId}` } } : {}) };
}

/** The domain's field names in a refusal, in this API's (`filter.projectId` → `filter.project_id`). */
function renamedFields(error: ErrorBody): { ok: false; error: ErrorBody } {
  if (!error.fieldErrors) return { ok: false, error };
  const apiNameOf = new Map<string, string>(Object.entries(FILTER_FIELDS).map(([apiName, domainName]) => [domainName, apiName]));
  const fieldErrors: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(error.fieldErrors)) {
    const name = key === 'confirmName' ? 'confirm_name' : key === 'incidentId' ? 'id' : key.replace(/^filter\.(\w+)/, (_whole, field: string) => `filter.${apiNameOf.get(field) ?? field}`);
    (fieldErrors[name] ??= []).push(...messages);
  }
  return { ok: false, error: { ...error, fieldErrors } };
}

const bootstrapsSchema = z
  .record(z.uuid(), tokenValue('A fresh API token of this machine user (its Console): the bootstrap its fresh tokens are minted from, deleted when its rotations are done.'))
  .meta({ description: 'A bulk rotation only: one bootstrap token per machine user to rotate, by machine user id. A machine user left out is not rotated (the report says so).' });

/** The incident's kind, when the caller may execute incidents (null otherwise: the domain then refuses by role, or answers 404, as for any incident). */
async function kindOf(auth: Authenticated, incidentId: string): Promise<'revocation' | 'rotation' | null> {
  if (!authorize(auth.context.actor, 'incident.execute').allowed) return null;
  return (await getIncident(auth.context, incidentId, 1, { pageSize: 1 }))?.kind ?? null;
}

const REVOCATION_TAKES_NO_BOOTSTRAPS = fail('invalid_input', 'Only a bulk rotation takes bootstrap tokens.', { bootstraps: ['Leave this out: the incident is a revocation.'] });

/**
 * Runs a bulk rotation's execution or resume and answers 202 once every bootstrap is verified and
 * the run is claimed (a refusal before that is the answer); the run goes on in this process, with
 * the bootstrap values in its memory only.
 */
async function startRotation(auth: Authenticated, incidentId: string, run: (context: RequestContext, deps: RotationDeps) => Promise<ActionResult<unknown>>): Promise<ApiAnswer> {
  const dashboard = await dashboardFor(auth, 'incident.execute');
  if (dashboard instanceof Response) return dashboard;
  let announce: () => void = () => undefined;
  const claimed = new Promise<void>((resolve) => (announce = resolve));
  const work = asCaller('incident.execute', auth, (context) => run(context, { ...tokenDepsWith(dashboard), onClaimed: () => announce() }));
  const first = await Promise.race([work.then((result) => ({ finished: result }) as const), claimed.then(() => ({ claimed: true }) as const)]);
  if ('finished' in first && !first.finished.ok) return renamedFields(first.finished.error);
  if (!('finished' in first)) continueInBackground(work, 'bulk rotation');
  return incidentAnswer(auth, incidentId, 1, DEFAULT_LIMIT, { status: 202 });
}

/** The run goes on in this process after the 202 (settleBackgroundWork awaits it in tests). */
function backgroundDeps(dashboard: Parameters<typeof tokenDepsWith>[0]): IncidentDeps {
  return { ...tokenDepsWith(dashboard), schedule: (work) => continueInBackground(work(), 'incident') };
}

/**
 * An execute or a resume, by the incident's kind: a rotation runs with its bootstraps (startRotation);
 * a revocation takes none, and answers 202 once the domain accepted it (its run goes on in this
 * process). An incident the caller may not execute, or that does not exist, is the revocation's
 * domain function's to refuse (by role, or 404), as for any incident.
 */
async function startIncidentRun(
  auth: Authenticated,
  incidentId: string,
  bootstraps: Record<string, string> | undefined,
  run: {
    rotation: (context: RequestContext, deps: RotationDeps, bootstraps: Record<string, string>) => Promise<ActionResult<unknown>>;
    revocation: (context: RequestContext, deps: IncidentDeps) => Promise<ActionResult<unknown>>;
  },
): Promise<ApiAnswer> {
  const kind = await kindOf(auth, incidentId);
  if (kind === 'rotation') return startRotation(auth, incidentId, (context, deps) => run.rotation(context, deps, bootstraps ?? {}));
  if (kind === 'revocation' && bootstraps !== undefined) return REVOCATION_TAKES_NO_BOOTSTRAPS;
  const dashboard = await dashboardFor(auth, 'incident.execute');
  if (dashboard instanceof Response) return dashboard;
  const result = await asCaller('incident.execute', auth, (context) => run.revocation(context, backgroundDeps(dashboard)));
  return answerOrRefusal(result, () => incidentAnswer(auth, incidentId, 1, DEFAULT_LIMIT, { status: 202 }));
}

async function answerOrRefusal<T>(result: ActionResult<T>, then: (data: T) => Promise<ApiAnswer>): Promise<ApiAnswer> {
  return result.ok ? then(result.data) : renamedFields(result.error);
}

// ---- operations -----------------------------------------------------------------------------------

const idParams = z.strictObject({ id: z.uuid().meta({ description: 'The incident’s id.' }) });

const listIncidentsEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/incidents',
  operationId: 'listIncidents',
  summary: 'List incidents',
  description: 'Incident responses, newest first (admins and reviewers).',
  tag: 'Incidents',
  query: z.strictObject({ ...paginationQuery }),
  response: { status: 200, schema: listSchema(summarySchema, 'IncidentList'), description: 'A page of incidents.' },
  errors: [400, 403],
  handle: async ({ auth, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const result = await listIncidents(auth.context, page.page, { pageSize: page.limit });
    if (!result) return refusedRead(auth);
    return {
      ok: true,
      body: {
        data: result.rows.map((row) => ({ id: row.id, kind: row.kind, name: row.name, state: row.state, created_at: row.createdAt.toISOString(), tokens: row.tokens })),
        total: result.total,
        next_cursor: nextCursor(page.page, page.limit, result.total),
      },
    };
  },
});

const getIncidentEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/incidents/{id}',
  operationId: 'getIncident',
  summary: 'Get an incident',
  description: 'The incident with its progress, a page of its plan (one item per token: the variables to delete, the dry run’s readings, what stops working, open tasks) and, once finished, its report. Poll it while `state` is `running`.',
  tag: 'Incidents',
  params: idParams,
  query: z.strictObject({ ...paginationQuery }),
  response: { status: 200, schema: incidentSchema, description: 'The incident.' },
  errors: [400, 403, 404],
  handle: async ({ auth, params, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    if (!mayRead(auth)) return refusedRead(auth);
    return incidentAnswer(auth, params.id, page.page, page.limit);
  },
});

const getReportEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/incidents/{id}/report',
  operationId: 'getIncidentReport',
  summary: 'Get an incident’s report',
  description: 'The report of a finished incident (also on the audit log and in evidence packs): counts, and each token with something left to do and why. 409 while it is not finished.',
  tag: 'Incidents',
  params: idParams,
  response: { status: 200, schema: z.union([reportSchema, rotationReportSchema]), description: 'The report.' },
  errors: [403, 404, 409],
  handle: async ({ auth, params }) => {
    if (!mayRead(auth)) return refusedRead(auth);
    const incident = await getIncident(auth.context, params.id, 1, { pageSize: 1 });
    if (!incident) return fail('not_found', NOT_FOUND);
    if (!incident.report) return fail('conflict', `This incident is ${incident.state}: its report is written when the verification pass ends.`);
    return { ok: true, body: anyReportDto(incident.report) };
  },
});

const createIncidentEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/incidents',
  operationId: 'createIncident',
  summary: 'Plan an incident',
  description:
    '“Our CI provider was breached”: selects the open tokens the filter matches and persists the plan (each variable to delete, each token to delete on Platform.sh, what stops working); with `kind: rotation`, the active tokens to replace. Nothing is sent to Platform.sh. Admins (incident.plan). 400 when no token matches.',
  tag: 'Incidents',
  idempotent: true,
  body: z
    .strictObject({
      kind: kindSchema.optional().meta({ description: '`revocation` (the default): take the selected open tokens away. `rotation`: replace the selected active tokens with fresh minted ones (the execution takes a bootstrap token per machine user).' }),
      name: z.string().trim().min(1).max(INCIDENT_NAME_MAX_LENGTH).meta({ description: 'The incident’s name; the execution asks for it again.' }),
      reason: z.string().max(COMPROMISE_REASON_MAX_LENGTH).optional().meta({ description: 'Why, in your words (the audit row’s reason).' }),
      filter: filterSchema,
    })
    .meta({ id: 'CreateIncident' }),
  response: { status: 201, schema: incidentSchema, description: 'The planned incident, with the first page of its plan.' },
  errors: [400, 403, 413, 415, 422],
  handle: async ({ auth, body }) => {
    const filter = Object.fromEntries(Object.entries(body.filter).map(([apiName, value]) => [FILTER_FIELDS[apiName as keyof typeof FILTER_FIELDS], value]));
    const input = { kind: body.kind ?? 'revocation', name: body.name, ...(body.reason !== undefined ? { reason: body.reason } : {}), filter };
    const result = await asCaller('incident.plan', auth, (context) => createIncident(context, input));
    return answerOrRefusal(result, (data) => incidentAnswer(auth, data.incidentId, 1, DEFAULT_LIMIT, { status: 201 }));
  },
});

const dryRunEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/incidents/{id}/dry-run',
  operationId: 'dryRunIncident',
  summary: 'Dry-run an incident',
  description: 'Reads every planned variable on Platform.sh and records what it saw on each item; writes nothing there. Required before the execution; may be run again while the incident is planned. Admins.',
  tag: 'Incidents',
  params: idParams,
  response: { status: 200, schema: dryRunSchema, description: 'What the dry run read, and the incident with its readings.' },
  errors: [403, 404, 409, 503],
  handle: async ({ auth, params }) => {
    const dashboard = await dashboardFor(auth, 'incident.plan');
    if (dashboard instanceof Response) return dashboard;
    const result = await asCaller('incident.plan', auth, (context) => dryRunIncident(context, { incidentId: params.id }, dashboard));
    return answerOrRefusal(result, (summary) => incidentAnswer(auth, params.id, 1, DEFAULT_LIMIT, { wrap: (incident) => ({ summary, incident }) }));
  },
});

const executeEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/incidents/{id}/execute',
  operationId: 'executeIncident',
  summary: 'Execute an incident',
  description:
    'After the dry run, with the incident’s name typed again in `confirm_name` (as the dashboard asks). A revocation: one journalled bulk revocation — every planned variable deleted, each token marked compromised (or kept revoked), paced within the rate limit — then a verification pass that re-reads every environment, and the report; deleting a token on Platform.sh needs a live token of its machine user, so those deletions become open tasks in the report. A rotation: `bootstraps` gives one fresh token per machine user, each proven to be that machine user’s before anything runs (any refusal refuses the whole execution, 400 with `field_errors["bootstraps.<id>"]`); for each recorded token a fresh token is minted, pushed in place, the old one deleted and superseded, then the bootstrap is deleted. Answers 202 once the run is claimed; poll `Location` until `state` is `finished`. Admins (incident.execute).',
  tag: 'Incidents',
  idempotent: true,
  params: idParams,
  body: z
    .strictObject({
      confirm_name: z.string().max(INCIDENT_NAME_MAX_LENGTH + 20).meta({ description: 'The incident’s name, exactly: the confirmation.' }),
      bootstraps: bootstrapsSchema.optional(),
    })
    .meta({ id: 'ExecuteIncident' }),
  response: { status: 202, schema: incidentSchema, description: 'The run has begun. Poll `Location`.' },
  errors: [400, 403, 404, 409, 413, 415, 422, 503],
  handle: ({ auth, params, body }) =>
    startIncidentRun(auth, params.id, body.bootstraps, {
      rotation: (context, deps, bootstraps) => executeRotation(context, { incidentId: params.id, confirmName: body.confirm_name, bootstraps }, deps),
      revocation: (context, deps) => executeIncident(context, { incidentId: params.id, confirmName: body.confirm_name }, deps),
    }),
});

const resumeEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/incidents/{id}/resume',
  operationId: 'resumeIncident',
  summary: 'Resume an interrupted incident',
  description:
    'An incident whose process stopped (`state: interrupted`): only what is not done runs again. A revocation is resumed automatically by the job queue within about a minute; this resumes it now, with no body. A rotation is resumed by a person only: `bootstraps` again (its values left with the stopped process); minted tokens the stop left unaccounted for are deleted, and a rotation left half-way is finished. 409 unless interrupted. Answers 202; poll `Location`. Admins.',
  tag: 'Incidents',
  idempotent: true,
  params: idParams,
  body: z.strictObject({ bootstraps: bootstrapsSchema.optional() }).meta({ id: 'ResumeIncident' }),
  bodyOptional: true,
  response: { status: 202, schema: incidentSchema, description: 'The run goes on. Poll `Location`.' },
  errors: [400, 403, 404, 409, 413, 415, 422, 503],
  handle: ({ auth, params, body }) =>
    startIncidentRun(auth, params.id, body?.bootstraps, {
      rotation: (context, deps, bootstraps) => resumeRotation(context, { incidentId: params.id, bootstraps }, deps),
      revocation: (context, deps) => resumeIncident(context, { incidentId: params.id }, deps),
    }),
});

/** The incident operations, in the document's order (registered in lib/api/operations.ts). */
export const INCIDENT_OPERATIONS: Record<string, Endpoint> = {
  listIncidents: listIncidentsEndpoint,
  createIncident: createIncidentEndpoint,
  getIncident: getIncidentEndpoint,
  getIncidentReport: getReportEndpoint,
  dryRunIncident: dryRunEndpoint,
  executeIncident: executeEndpoint,
  resumeIncident: resumeEndpoint,
};

// Incident response across many tokens (issue 18.3), part one: the selection and the plan.
//
// "Our CI provider was breached": an admin names the incident and selects tokens by a filter
// (project, purpose, environment type, build-visible, pushed by a person, recorded before a day, or
// all). The plan is persisted as one item per token: each variable to delete (by Keywarden's push
// journal, the same holdings a single revocation reads), the token to delete on Platform.sh, and
// what stops working (the machine user's purpose: its cron or CI job). A dry run then reads every
// planned environment on Platform.sh and writes nothing there. Execution, verification and the
// report are in run.ts. Admins plan and execute (incident.plan, incident.execute); reviewers read.
// Never a token value anywhere: the plan is metadata (SECURITY.md T1), every step audited (L1, L3).
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb, Prisma } from '@/lib/db';
import type { IncidentKind } from '@/lib/db/generated/enums';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import { PRESETS } from '@/lib/machine-users/roles';
import { isPlatformshError, mapWithConcurrency, type PlatformshClient } from '@/lib/platformsh';
import { createIncidentSchema, incidentIdSchema, type IncidentFilter } from '@/lib/validations/incidents';
import type { RequestContext } from '../context';
import { describePlatformshFailure } from '../machine-users/steps';
import { currentHoldings } from '../tokens/holders';

/** Environments read at once by a dry run or a verification pass (the client paces them within the rate limit). */
export const INCIDENT_READ_CONCURRENCY = 4;

export interface PlannedVariable {
  projectId: string;
  environmentId: string;
  environmentType: string;
  variableName: string;
}

/** What a dry run saw for one planned variable. */
export interface DryRunReading {
  environmentId: string;
  variableName: string;
  state: 'present' | 'absent' | 'unreadable';
  detail?: string;
}

/** A token Keywarden still has to take away: active, or revoked/compromised but not yet deleted on Platform.sh. */
const OPEN_TOKEN = {
  OR: [{ status: 'active' }, { status: { in: ['revoked', 'compromised'] }, deletedOnPlatformAt: null }],
} as const satisfies Prisma.ApiTokenWhereInput;

/** What stops working when a machine user of this purpose loses its token. */
export function whatStops(purpose: keyof typeof PRESETS, environmentTypes: readonly string[]): string {
  const where = environmentTypes.length ? ` on ${[...new Set(environmentTypes)].sort().join(', ')}` : '';
  switch (purpose) {
    case 'backups':
      return `The backup cron${where} stops taking backups.`;
    case 'ci_tests':
      return `CI jobs that use the CLI${where} fail to authenticate.`;
    case 'source_operations':
      return `The source-operation cron${where} (e.g. dependency updates) stops.`;
    case 'certificate_renewal':
      return `The certificate-renewal redeploy cron${where} stops: certificates will not renew.`;
    default:
      return `Whatever runs the CLI with this token${where} (crons, build hooks, integrations) stops.`;
  }
}

/** The filter as SQL: the open tokens it may match (the environment type is refined on the holdings). */
async function candidateWhere(filter: IncidentFilter): Promise<Prisma.ApiTokenWhereInput | null> {
  // Open tokens, and any token some environment may still hold (e.g. compromised and deleted on
  // Platform.sh with its variables left): refined on the holdings below.
  const and: Prisma.ApiTokenWhereInput[] = [{ OR: [OPEN_TOKEN, { pushRuns: { some: { steps: { some: { status: 'succeeded', operation: { not: 'delete' } } } } } }] }];
  if (filter.projectId) and.push({ machineUser: { projectId: filter.projectId } });
  if (filter.purpose) and.push({ machineUser: { purpose: filter.purpose } });
  if (filter.recordedBefore) and.push({ recordedAt: { lt: new Date(`${filter.recordedBefore}T00:00:00Z`) } });
  if (filter.buildVisible) and.push(filter.buildVisible === 'yes' ? { pushRuns: { some: { visibleBuild: true, steps: { some: { status: 'succeeded', operation: { not: 'delete' } } } } } } : { pushRuns: { none: { visibleBuild: true } } });
  if (filter.environmentType) and.push({ pushRuns: { some: { steps: { some: { environmentType: filter.environmentType, status: 'succeeded', operation: { not: 'delete' } } } } } });
  if (filter.pushedBy) {
    const person = await getDb().user.findUnique({ where: { email: filter.pushedBy }, select: { id: true } });
    if (!person) return null;
    and.push({ OR: [{ recordedById: person.id }, { pushRuns: { some: { startedById: person.id } } }] });
  }
  return { AND: and };
}

/** The selection: each open token the filter matches, with the variables that hold it now. */
export async function selectTokens(filter: IncidentFilter, kind: IncidentKind = 'revocation') {
  const where = await candidateWhere(filter);
  if (!where) return [];
  const tokens = await getDb().apiToken.findMany({
    where,
    select: { id: true, machineUserId: true, status: true, deletedOnPlatformAt: true, machineUser: { select: { projectId: true } } },
    orderBy: [{ machineUser: { projectId: 'asc' } }, { recordedAt: 'asc' }],
  });
  const holdings = await currentHoldings([...new Set(tokens.map((token) => token.machineUserId))]);
  const byToken = new Map<string, PlannedVariable[]>();
  for (const holding of holdings) {
    const list = byToken.get(holding.tokenId) ?? [];
    list.push({ projectId: holding.projectId, environmentId: holding.environmentId, environmentType: holding.environmentType, variableName: holding.variableName });
    byToken.set(holding.tokenId, list);
  }
  const isOpen = (token: (typeof tokens)[number]) => token.status === 'active' || ((token.status === 'revoked' || token.status === 'compromised') && token.deletedOnPlatformAt === null);
  return tokens
    .map((token) => ({ isOpen: isOpen(token), status: token.status, tokenId: token.id, machineUserId: token.machineUserId, projectId: token.machineUser.projectId, variables: (byToken.get(token.id) ?? []).sort((a, b) => a.environmentId.localeCompare(b.environmentId)) }))
    // A rotation replaces active tokens only; a revocation takes away every open one, and any held one.
    .filter((item) => (kind === 'rotation' ? item.status === 'active' : item.isOpen || item.variables.length > 0))
    .filter((item) => !filter.environmentType || item.variables.some((variable) => variable.environmentType === filter.environmentType))
    .map(({ isOpen: _open, status: _status, ...item }) => item);
}

/** Creates the incident and its plan (admins). Nothing is sent to Platform.sh. */
export async function createIncident(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ incidentId: string; tokens: number; variables: number }>> {
  const db = getDb();
  const decision = authorize(context.actor, 'incident.plan');
  if (!decision.allowed) {
    await recordAudit(db, { actor: context.actor, action: 'incident.plan', outcome: 'refused', reason: decision.reason, clientAddress: context.clientAddress });
    return fail('forbidden', 'Only admins plan an incident.');
  }
  const parsed = createIncidentSchema.safeParse(rawInput);
  if (!parsed.success) {
    await recordAudit(db, { actor: context.actor, action: 'incident.plan', outcome: 'invalid', reason: 'input failed validation', clientAddress: context.clientAddress });
    return fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
  }
  const { kind, name, reason, filter } = parsed.data;
  const items = await selectTokens(filter, kind);
  if (items.length === 0) {
    const what = kind === 'rotation' ? 'active' : 'open';
    await recordAudit(db, { actor: context.actor, action: 'incident.plan', outcome: 'invalid', reason: `no ${what} token matches the selection`, clientAddress: context.clientAddress, details: { filter, kind } });
    return fail('invalid_input', `No ${what} token matches this selection: nothing to ${kind === 'rotation' ? 'rotate' : 'revoke'}.`, { 'filter.all': [`No ${what} token matches.`] });
  }
  const variables = items.reduce((sum, item) => sum + item.variables.length, 0);
  const incidentId = await db.$transaction(async (tx) => {
    const incident = await tx.incident.create({ data: { kind, name, reason: reason ?? null, filter, createdById: context.actor.id } });
    await tx.incidentItem.createMany({ data: items.map((item) => ({ incidentId: incident.id, tokenId: item.tokenId, machineUserId: item.machineUserId, projectId: item.projectId, variables: item.variables as unknown as Prisma.InputJsonValue, openTasks: [] })) });
    await recordAudit(tx, {
      actor: context.actor,
      action: 'incident.create',
      outcome: 'succeeded',
      reason: reason ?? undefined,
      clientAddress: context.clientAddress,
      target: { type: 'incident', id: incident.id },
      details: { kind, name, filter, tokens: items.length, variables, projects: new Set(items.map((item) => item.projectId)).size },
    });
    return incident.id;
  });
  return ok({ incidentId, tokens: items.length, variables });
}

/** Reads one planned variable on Platform.sh (the environment's own, not an inherited one). */
export async function readVariable(client: PlatformshClient, variable: PlannedVariable): Promise<DryRunReading> {
  const reading = { environmentId: variable.environmentId, variableName: variable.variableName };
  try {
    const found = await client.getEnvironmentVariable(variable.projectId, variable.environmentId, variable.variableName);
    return { ...reading, state: found.inherited ? 'absent' : 'present' };
  } catch (error) {
    if (isPlatformshError(error) && error.kind === 'not_found') return { ...reading, state: 'absent' };
    return { ...reading, state: 'unreadable', detail: describePlatformshFailure(error) };
  }
}

export interface DryRunSummary {
  present: number;
  absent: number;
  unreadable: number;
}

/**
 * The dry run (admins): reads every planned variable on Platform.sh and records what it saw; writes
 * nothing there. The execution requires one.
 */
export async function dryRunIncident(context: RequestContext, rawInput: unknown, dashboard: PlatformshClient): Promise<ActionResult<DryRunSummary>> {
  const db = getDb();
  const decision = authorize(context.actor, 'incident.plan');
  if (!decision.allowed) {
    await recordAudit(db, { actor: context.actor, action: 'incident.plan', outcome: 'refused', reason: `dry run: ${decision.reason}`, clientAddress: context.clientAddress });
    return fail('forbidden', 'Only admins run an incident’s dry run.');
  }
  const parsed = incidentIdSchema.safeParse(rawInput);
  const incident = parsed.success ? await db.incident.findUnique({ where: { id: parsed.data.incidentId } }) : null;
  if (!incident) return fail('not_found', 'There is no such incident.');
  if (incident.status !== 'planned') return fail('conflict', 'This incident is already executed: its report says what happened.');
  const items = await db.incidentItem.findMany({ where: { incidentId: incident.id }, select: { id: true, variables: true } });
  const summary: DryRunSummary = { present: 0, absent: 0, unreadable: 0 };
  await mapWithConcurrency(items, INCIDENT_READ_CONCURRENCY, async (item) => {
    const readings: DryRunReading[] = [];
    for (const variable of item.variables as unknown as PlannedVariable[]) readings.push(await readVariable(dashboard, variable));
    for (const reading of readings) summary[reading.state] += 1;
    await db.incidentItem.update({ where: { id: item.id }, data: { dryRun: readings as unknown as Prisma.InputJsonValue } });
  });
  await db.$transaction(async (tx) => {
    await tx.incident.update({ where: { id: incident.id }, data: { dryRunAt: new Date() } });
    await recordAudit(tx, { actor: context.actor, action: 'incident.dry_run', outcome: 'succeeded', clientAddress: context.clientAddress, target: { type: 'incident', id: incident.id }, details: { ...summary } });
  });
  return ok(summary);
}

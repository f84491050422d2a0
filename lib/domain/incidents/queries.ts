// Reading incidents (issue 18.3): the list, one incident with its plan page by page (in SQL), and
// the open tasks the Overview lists until they are done. Admins and reviewers (incident.read).
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { PRESETS } from '@/lib/machine-users/roles';
import type { RequestContext } from '../context';
import { whatStops, type DryRunReading, type PlannedVariable } from './plan';
import { isInterrupted } from './bulk-run';
import type { RotationReport } from './rotation';
import type { IncidentReport } from './run';

export const INCIDENT_ITEMS_PER_PAGE = 50;
export const INCIDENTS_PER_PAGE = 25;

export type IncidentState = 'planned' | 'running' | 'interrupted' | 'finished';

export interface IncidentSummary {
  id: string;
  kind: 'revocation' | 'rotation';
  name: string;
  state: IncidentState;
  createdAt: Date;
  tokens: number;
}

const canRead = (context: RequestContext) => authorize(context.actor, 'incident.read').allowed;

export async function listIncidents(context: RequestContext, page = 1, options: { pageSize?: number } = {}): Promise<{ rows: IncidentSummary[]; total: number } | null> {
  if (!canRead(context)) return null;
  const db = getDb();
  const pageSize = options.pageSize ?? INCIDENTS_PER_PAGE;
  const [rows, total] = await Promise.all([
    // The id breaks ties, so that pages of one list never repeat or skip a row.
    db.incident.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip: (page - 1) * pageSize, take: pageSize, include: { _count: { select: { items: true } } } }),
    db.incident.count(),
  ]);
  return { rows: rows.map((row) => ({ id: row.id, kind: row.kind, name: row.name, state: isInterrupted(row) ? 'interrupted' : row.status, createdAt: row.createdAt, tokens: row._count.items })), total };
}

export interface IncidentItemView {
  id: string;
  status: 'pending' | 'running' | 'done' | 'partial' | 'failed' | 'skipped';
  token: { id: string; name: string; lastFour: string; status: string; deletedOnPlatform: boolean; knownOnPlatform: boolean };
  machineUser: { id: string; email: string; purpose: string };
  projectId: string;
  projectTitle: string;
  variables: PlannedVariable[];
  dryRun: DryRunReading[] | null;
  whatStops: string;
  openTasks: string[];
}

export interface IncidentView {
  id: string;
  kind: 'revocation' | 'rotation';
  name: string;
  reason: string | null;
  filter: Record<string, unknown>;
  state: IncidentState;
  createdAt: Date;
  createdBy: string | null;
  dryRunAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  report: IncidentReport | RotationReport | null;
  /** Items per status (the progress). */
  progress: Record<IncidentItemView['status'], number>;
  total: number;
  variables: number;
  projects: number;
  page: number;
  items: IncidentItemView[];
}

export async function getIncident(context: RequestContext, incidentId: string, page = 1, options: { pageSize?: number } = {}): Promise<IncidentView | null> {
  if (!canRead(context)) return null;
  const pageSize = options.pageSize ?? INCIDENT_ITEMS_PER_PAGE;
  const db = getDb();
  const incident = await db.incident.findUnique({ where: { id: incidentId } });
  if (!incident) return null;
  const [counts, items, creator, totals] = await Promise.all([
    db.incidentItem.groupBy({ by: ['status'], where: { incidentId }, _count: { _all: true } }),
    db.incidentItem.findMany({ where: { incidentId }, orderBy: [{ projectId: 'asc' }, { id: 'asc' }], skip: (page - 1) * pageSize, take: pageSize }),
    db.user.findUnique({ where: { id: incident.createdById }, select: { email: true } }),
    db.$queryRaw<{ variables: number; projects: number }[]>`SELECT COALESCE(SUM(jsonb_array_length(variables)), 0)::int AS variables, COUNT(DISTINCT project_id)::int AS projects FROM incident_items WHERE incident_id = ${incidentId}::uuid`,
  ]);
  const [tokens, projects] = await Promise.all([
    db.apiToken.findMany({ where: { id: { in: items.map((item) => item.tokenId) } }, include: { machineUser: { select: { id: true, email: true, purpose: true } } } }),
    db.project.findMany({ where: { id: { in: [...new Set(items.map((item) => item.projectId))] } }, select: { id: true, title: true } }),
  ]);
  const tokenById = new Map(tokens.map((token) => [token.id, token]));
  const titleOf = new Map(projects.map((project) => [project.id, project.title]));
  const progress = { pending: 0, running: 0, done: 0, partial: 0, failed: 0, skipped: 0 };
  for (const count of counts) progress[count.status] = count._count._all;
  return {
    id: incident.id,
    kind: incident.kind,
    name: incident.name,
    reason: incident.reason,
    filter: incident.filter as Record<string, unknown>,
    state: isInterrupted(incident) ? 'interrupted' : incident.status,
    createdAt: incident.createdAt,
    createdBy: creator?.email ?? null,
    dryRunAt: incident.dryRunAt,
    startedAt: incident.startedAt,
    finishedAt: incident.finishedAt,
    report: incident.report as IncidentReport | RotationReport | null,
    progress,
    total: Object.values(progress).reduce((sum, count) => sum + count, 0),
    variables: totals[0]?.variables ?? 0,
    projects: totals[0]?.projects ?? 0,
    page,
    items: items.flatMap((item) => {
      const token = tokenById.get(item.tokenId);
      if (!token) return [];
      const variables = item.variables as unknown as PlannedVariable[];
      return [
        {
          id: item.id,
          status: item.status,
          token: { id: token.id, name: token.name, lastFour: token.lastFour, status: token.status, deletedOnPlatform: token.deletedOnPlatformAt !== null, knownOnPlatform: token.platformshTokenId !== null },
          machineUser: { id: token.machineUser.id, email: token.machineUser.email, purpose: token.machineUser.purpose },
          projectId: item.projectId,
          projectTitle: titleOf.get(item.projectId) ?? item.projectId,
          variables,
          dryRun: (item.dryRun as DryRunReading[] | null) ?? null,
          whatStops: whatStops(token.machineUser.purpose, variables.map((variable) => variable.environmentType)),
          openTasks: item.openTasks,
        },
      ];
    }),
  };
}

export interface IncidentOpenTasks {
  incidentId: string;
  name: string;
  /** Tokens of the incident not yet deleted on Platform.sh (they still work). */
  tokensToDelete: number;
  /** Tokens whose variables the verification found, or could not read. */
  tokensWithVariablesLeft: number;
}

/**
 * The open tasks of finished incidents, for the Overview, until they are done: a token counts until
 * it is deleted on Platform.sh (with a live token of its machine user), a variable until a later
 * revocation of the token deletes it.
 */
export async function listIncidentOpenTasks(context: RequestContext): Promise<IncidentOpenTasks[]> {
  if (!canRead(context)) return [];
  const rows = await getDb().$queryRaw<{ incident_id: string; name: string; tokens_to_delete: number; variables_left: number }[]>`
    SELECT i.id AS incident_id, i.name,
      COUNT(*) FILTER (WHERE t.deleted_on_platform_at IS NULL)::int AS tokens_to_delete,
      COUNT(*) FILTER (WHERE it.status IN ('partial', 'failed') AND EXISTS (
        SELECT 1 FROM push_steps s JOIN push_runs r ON r.id = s.run_id
        WHERE r.token_id = it.token_id AND s.status = 'succeeded' AND s.operation IS DISTINCT FROM 'delete'
          AND NOT EXISTS (SELECT 1 FROM push_steps later WHERE later.project_id = s.project_id AND later.environment_id = s.environment_id AND later.status = 'succeeded' AND later.updated_at > s.updated_at)
      ))::int AS variables_left
    FROM incidents i JOIN incident_items it ON it.incident_id = i.id JOIN api_tokens t ON t.id = it.token_id
    WHERE i.status = 'finished' AND i.kind = 'revocation'
    GROUP BY i.id, i.name, i.created_at
    ORDER BY i.created_at DESC`;
  return rows
    .map((row) => ({ incidentId: row.incident_id, name: row.name, tokensToDelete: row.tokens_to_delete, tokensWithVariablesLeft: row.variables_left }))
    .filter((row) => row.tokensToDelete > 0 || row.tokensWithVariablesLeft > 0);
}

export interface RotationGroupView {
  machineUserId: string;
  email: string;
  projectId: string;
  /** Tokens of this machine user the run has still to rotate. */
  tokensLeft: number;
}

/**
 * The machine users of a bulk rotation with tokens left to rotate: one bootstrap field each on the
 * execution (and resume) form. A plan holds at most the organisation's machine users.
 */
export async function listRotationGroups(context: RequestContext, incidentId: string): Promise<RotationGroupView[]> {
  if (!canRead(context)) return [];
  const rows = await getDb().$queryRaw<{ machine_user_id: string; email: string; project_id: string; tokens_left: number }[]>`
    SELECT it.machine_user_id, m.email, it.project_id, COUNT(*)::int AS tokens_left
    FROM incident_items it JOIN machine_users m ON m.id = it.machine_user_id
    WHERE it.incident_id = ${incidentId}::uuid AND it.status <> 'done'
    GROUP BY it.machine_user_id, m.email, it.project_id
    ORDER BY it.project_id, m.email`;
  return rows.map((row) => ({ machineUserId: row.machine_user_id, email: row.email, projectId: row.project_id, tokensLeft: row.tokens_left }));
}

/** The planning form's choices: projects that have machine users, and the purposes. */
export async function incidentFormChoices(): Promise<{ projects: { id: string; title: string }[]; purposes: { value: string; label: string }[] }> {
  const projects = await getDb().project.findMany({ where: { machineUsers: { some: {} } }, select: { id: true, title: true }, orderBy: { title: 'asc' } });
  return { projects, purposes: Object.values(PRESETS).map((preset) => ({ value: preset.purpose, label: preset.label })) };
}

/** A page read refused: on the audit log like every refusal (L3). */
export async function auditRefusedIncidentRead(context: RequestContext): Promise<void> {
  await recordAudit(getDb(), { actor: context.actor, action: 'incident.read', outcome: 'refused', reason: `role ${context.actor.role} may not incident.read`, clientAddress: context.clientAddress });
}

/** Incidents alive during [from, to) with their reports, for evidence packs (metadata only, never a value). */
export async function incidentsForEvidence(period: { from: Date; to: Date }) {
  const incidents = await getDb().incident.findMany({
    where: { createdAt: { lt: period.to }, OR: [{ finishedAt: null }, { finishedAt: { gte: period.from } }] },
    orderBy: { createdAt: 'asc' },
    include: { _count: { select: { items: true } } },
  });
  return incidents.map((incident) => ({
    id: incident.id,
    kind: incident.kind,
    name: incident.name,
    reason: incident.reason,
    selection: incident.filter,
    state: isInterrupted(incident) ? 'interrupted' : incident.status,
    tokens: incident._count.items,
    createdAt: incident.createdAt.toISOString(),
    dryRunAt: incident.dryRunAt?.toISOString() ?? null,
    startedAt: incident.startedAt?.toISOString() ?? null,
    finishedAt: incident.finishedAt?.toISOString() ?? null,
    report: incident.report,
  }));
}

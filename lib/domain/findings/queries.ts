// Reading the findings (issue 15 §2): the Findings view's list (filtered, sorted and paginated in
// SQL), its summary counts, and the rule catalogue. Reviewers and admins read every finding;
// onboarders only those of their assigned projects (finding.read 'assigned').
//
// Status: open = not resolved and not accepted (or its acceptance has expired, so it shows again);
// accepted = not resolved, accepted until a date still ahead; resolved = no rule reports it any more.
import 'server-only';
import { authorize, ruleFor } from '@/lib/auth/authorize';
import { getDb, Prisma } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { findingListQuerySchema, type FindingListQuery, type FindingStatus } from '@/lib/validations/findings';
import type { RequestContext } from '../context';
import { readPolicy } from './read-policy';
import { RULES, ruleById } from './rules';
import { ACCESS_REMOVED } from './rules/drift-membership';
import type { EvidenceValue, Severity } from './types';
import { vendorCopy, type VendorProfile } from '@/lib/vendor';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const FINDINGS_PAGE_SIZE = 25;

export interface FindingView {
  id: string;
  ruleId: string;
  title: string;
  reason: string;
  fix: string;
  severity: Severity;
  status: FindingStatus;
  evidence: Record<string, EvidenceValue>;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  accepted: { until: string; reason: string | null; by: string | null; expired: boolean } | null;
  project: { id: string; title: string } | null;
  environmentId: string | null;
  machineUser: { id: string; email: string } | null;
  token: { id: string; label: string } | null;
  platformshUserId: string | null;
  /**
   * Whether the viewer may re-apply the approved roles from here (issue 15 §3): role drift, or a
   * machine user's access removed outside Keywarden, still unresolved, on a project where the
   * viewer may change roles (never a reviewer).
   */
  canReapply: boolean;
}

/** Drift a re-apply of the approved roles undoes (machine-users/manage.ts reapplyMachineUserRoles). */
function isReapplyable(row: { ruleId: string; subjectKey: string; resolvedAt: Date | null; evidence: unknown }): boolean {
  if (row.resolvedAt || !row.subjectKey.startsWith('machine_user:')) return false;
  if (row.ruleId === 'drift.roles') return true;
  const change = typeof row.evidence === 'object' && row.evidence !== null && 'change' in row.evidence ? row.evidence.change : null;
  return row.ruleId === 'drift.membership' && change === ACCESS_REMOVED;
}

export interface FindingSummary {
  /** Open findings per severity (accepted ones aside). */
  open: Record<Severity, number>;
  accepted: number;
  resolved: number;
}

export interface FindingPage {
  findings: FindingView[];
  total: number;
  page: number;
  pageSize: number;
  query: FindingListQuery;
  summary: FindingSummary;
  /** Rules that exist, for the filter. */
  rules: { id: string; title: string }[];
  /** Projects that have findings in scope, for the filter. */
  projects: { id: string; title: string }[];
  /** The longest acceptance the policy allows, for the accept dialog. */
  acceptRiskMaxDays: number;
}

/** Which findings the actor may read: all (null), or those of the assigned projects. */
function scopeOf(context: RequestContext): Prisma.FindingWhereInput | null {
  const rule = ruleFor(context.actor.role, 'finding.read');
  if (rule === 'allow') return {};
  if (rule === 'assigned') return { projectId: { in: [...context.actor.projectIds] } };
  return null;
}

export function statusWhere(status: FindingStatus, now: Date): Prisma.FindingWhereInput {
  switch (status) {
    case 'open':
      return { resolvedAt: null, OR: [{ acceptedUntil: null }, { acceptedUntil: { lte: now } }] };
    case 'accepted':
      return { resolvedAt: null, acceptedUntil: { gt: now } };
    case 'resolved':
      return { resolvedAt: { not: null } };
  }
}

function orderFor(query: FindingListQuery): Prisma.FindingOrderByWithRelationInput[] {
  const dir = query.dir;
  const tieBreak: Prisma.FindingOrderByWithRelationInput[] = [{ lastSeenAt: 'desc' }, { id: 'asc' }];
  switch (query.sort) {
    case 'severity':
      // The enum's order is low < medium < high < critical: descending puts critical first.
      return [{ severity: dir }, { ruleId: 'asc' }, ...tieBreak];
    case 'first_seen':
      return [{ firstSeenAt: dir }, { id: 'asc' }];
    case 'last_seen':
      return [{ lastSeenAt: dir }, { id: 'asc' }];
    case 'rule':
      return [{ ruleId: dir }, { severity: 'desc' }, ...tieBreak];
  }
}

const statusOf = (row: { resolvedAt: Date | null; acceptedUntil: Date | null }, now: Date): FindingStatus =>
  row.resolvedAt ? 'resolved' : row.acceptedUntil && row.acceptedUntil > now ? 'accepted' : 'open';

export async function listFindings(context: RequestContext, rawQuery: unknown, now = new Date(), options: { pageSize?: number } = {}): Promise<ActionResult<FindingPage>> {
  const pageSize = options.pageSize ?? FINDINGS_PAGE_SIZE;
  const scope = scopeOf(context);
  if (!scope) return fail('forbidden', 'You do not have permission to see findings.');
  const query = findingListQuerySchema.parse(rawQuery ?? {});
  const where: Prisma.FindingWhereInput = {
    AND: [
      scope,
      statusWhere(query.status, now),
      query.severity === 'all' ? {} : { severity: query.severity },
      query.rule ? { ruleId: query.rule } : {},
      query.project ? { projectId: query.project } : {},
    ],
  };
  const db = getDb();
  const [rows, total, openBySeverity, accepted, resolved, projectIds, policy] = await Promise.all([
    db.finding.findMany({ where, orderBy: orderFor(query), skip: (query.page - 1) * pageSize, take: pageSize }),
    db.finding.count({ where }),
    db.finding.groupBy({ by: ['severity'], where: { AND: [scope, statusWhere('open', now)] }, _count: { _all: true } }),
    db.finding.count({ where: { AND: [scope, statusWhere('accepted', now)] } }),
    db.finding.count({ where: { AND: [scope, statusWhere('resolved', now)] } }),
    // GROUP BY in SQL: Prisma's `distinct` reads every row and de-duplicates them in JavaScript.
    db.finding.groupBy({ by: ['projectId'], where: { AND: [scope, { projectId: { not: null } }] } }),
    readPolicy(db),
  ]);

  // The names behind the page's links, in one query per kind (never one per row).
  const ids = (pick: (row: (typeof rows)[number]) => string | null) => [...new Set(rows.map(pick).filter((id): id is string => id !== null))];
  const allProjectIds = [...new Set([...ids((row) => row.projectId), ...projectIds.map((row) => row.projectId!)])];
  const [projects, machineUsers, tokens, acceptors] = await Promise.all([
    db.project.findMany({ where: { id: { in: allProjectIds } }, select: { id: true, title: true } }),
    db.machineUser.findMany({ where: { id: { in: ids((row) => row.machineUserId) } }, select: { id: true, email: true } }),
    db.apiToken.findMany({ where: { id: { in: ids((row) => row.tokenId) } }, select: { id: true, name: true, lastFour: true } }),
    db.user.findMany({ where: { id: { in: ids((row) => row.acceptedById) } }, select: { id: true, email: true } }),
  ]);
  const projectOf = new Map(projects.map((project) => [project.id, project]));
  const machineUserOf = new Map(machineUsers.map((row) => [row.id, row]));
  const tokenOf = new Map(tokens.map((row) => [row.id, { id: row.id, label: `${row.name} (…${row.lastFour})` }]));
  const acceptorOf = new Map(acceptors.map((row) => [row.id, row.email]));

  const open: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const group of openBySeverity) open[group.severity] = group._count._all;

  const vendor = configuredVendor();
  return ok({
    findings: rows.map((row) => {
      const rule = ruleById(row.ruleId);
      return {
        id: row.id,
        ruleId: row.ruleId,
        title: rule?.title ?? row.ruleId,
        reason: rule ? vendorCopy(rule.reason, vendor) : 'This rule no longer exists.',
        fix: rule ? vendorCopy(rule.fix, vendor) : '—',
        severity: row.severity,
        status: statusOf(row, now),
        evidence: (typeof row.evidence === 'object' && row.evidence !== null && !Array.isArray(row.evidence) ? row.evidence : {}) as Record<string, EvidenceValue>,
        firstSeenAt: row.firstSeenAt.toISOString(),
        lastSeenAt: row.lastSeenAt.toISOString(),
        resolvedAt: row.resolvedAt?.toISOString() ?? null,
        accepted: row.acceptedUntil
          ? { until: row.acceptedUntil.toISOString(), reason: row.acceptedReason, by: row.acceptedById ? (acceptorOf.get(row.acceptedById) ?? null) : null, expired: row.acceptedUntil <= now }
          : null,
        project: row.projectId ? (projectOf.get(row.projectId) ?? { id: row.projectId, title: row.projectId }) : null,
        environmentId: row.environmentId,
        machineUser: row.machineUserId ? (machineUserOf.get(row.machineUserId) ?? null) : null,
        token: row.tokenId ? (tokenOf.get(row.tokenId) ?? null) : null,
        platformshUserId: row.platformshUserId,
        canReapply: isReapplyable(row) && row.projectId !== null && authorize(context.actor, 'machine_user.change_roles', { projectId: row.projectId }).allowed,
      };
    }),
    total,
    page: query.page,
    pageSize,
    query,
    summary: { open, accepted, resolved },
    rules: RULES.map((rule) => ({ id: rule.id, title: rule.title })),
    projects: projectIds
      .map((row) => projectOf.get(row.projectId!) ?? { id: row.projectId!, title: row.projectId! })
      .sort((a, b) => a.title.localeCompare(b.title)),
    acceptRiskMaxDays: policy.acceptRiskMaxDays,
  });
}

/** The rule catalogue, for the Policy page and the README, in the words of the organisation's vendor. */
export function ruleCatalogue(vendor: VendorProfile = configuredVendor()) {
  return RULES.map(({ id, severity, title, reason, fix, policyKeys }) => ({ id, severity, title, reason: vendorCopy(reason, vendor), fix: vendorCopy(fix, vendor), policyKeys: [...policyKeys] }));
}

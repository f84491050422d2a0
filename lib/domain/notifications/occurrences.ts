// The notification tick's operational events (issue 17), each found by one bounded query:
//  - drift detected: a drift finding (drift.variable, drift.roles, drift.membership) first seen in
//    the last week → admins and the onboarders assigned to its project;
//  - a push failed or stayed partial (revocations excluded: their open work is the next event) and a
//    sync failed, stayed partial or was interrupted, finished in the last two days → whoever started
//    it, and admins;
//  - a revocation still open after N hours (a revoked or compromised token not yet deleted on
//    Platform.sh, or whose revocation run left variables behind) → whoever started it, and admins;
//  - an access-review campaign started (last week), due within N days, overdue (then weekly) → the
//    reviewers (admins when there is no reviewer);
//  - a compromised token seen used after it was marked → admins.
// Each occurrence has a dedup key naming it and its window; the tick inserts with ON CONFLICT DO
// NOTHING on (user, key), so nothing is sent twice, whatever the number of ticks or instances.
// Titles and bodies name tokens by name and machine users by e-mail: never a value or fingerprint.
import 'server-only';
import type { Database } from '@/lib/db';
import type { NotificationEvent } from '@/lib/notifications/events';
import { ruleById } from '../findings/rules';
import { vendorCopy, type VendorProfile } from '@/lib/vendor';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Drift findings and campaign starts older than this are not announced (a new installation's backlog). */
const RECENT_DAYS = 7;
/** Pushes and syncs that finished longer ago than this are not announced. */
const RUN_LOOKBACK_DAYS = 2;

export interface Occurrence {
  userId: string;
  event: NotificationEvent;
  dedupKey: string;
  title: string;
  body: string;
  linkPath: string;
}

export interface OccurrenceSettings {
  revocationOpenHours: number;
  campaignDueDays: number;
  /** The organisation's vendor: the words name its product. */
  vendor: VendorProfile;
}

const utcDay = (date: Date) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
const isoDay = (date: Date) => new Date(utcDay(date)).toISOString().slice(0, 10);
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Who hears of an occurrence: each id once, in a stable order. */
function toEach(userIds: Iterable<string | null | undefined>, occurrence: Omit<Occurrence, 'userId'>): Occurrence[] {
  return [...new Set([...userIds].filter((id): id is string => typeof id === 'string'))].map((userId) => ({ userId, ...occurrence }));
}

interface People {
  admins: string[];
  reviewers: string[];
}

async function people(db: Database): Promise<People> {
  const rows = await db.user.findMany({ where: { disabledAt: null, role: { in: ['admin', 'reviewer'] } }, select: { id: true, role: true } });
  const admins = rows.filter((row) => row.role === 'admin').map((row) => row.id);
  const reviewers = rows.filter((row) => row.role === 'reviewer').map((row) => row.id);
  return { admins, reviewers };
}

/** The starters still active (a starter disabled since hears nothing). */
async function activeAmong(db: Database, ids: (string | null)[]): Promise<Set<string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Set();
  const rows = await db.user.findMany({ where: { id: { in: wanted }, disabledAt: null }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}

async function driftDetected(db: Database, now: Date, admins: string[], vendor: VendorProfile): Promise<Occurrence[]> {
  const findings = await db.finding.findMany({
    where: {
      ruleId: { startsWith: 'drift.' },
      resolvedAt: null,
      firstSeenAt: { gte: new Date(now.getTime() - RECENT_DAYS * DAY_MS), lte: now },
      OR: [{ acceptedUntil: null }, { acceptedUntil: { lte: now } }],
    },
    select: { id: true, ruleId: true, projectId: true, environmentId: true, firstSeenAt: true },
  });
  if (findings.length === 0) return [];
  const projectIds = [...new Set(findings.map((finding) => finding.projectId).filter((id): id is string => id !== null))];
  const [assignments, projects] = await Promise.all([
    db.projectAssignment.findMany({ where: { projectId: { in: projectIds }, user: { disabledAt: null, role: 'onboarder' } }, select: { userId: true, projectId: true } }),
    db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, title: true } }),
  ]);
  return findings.flatMap((finding) => {
    const rule = ruleById(finding.ruleId);
    const project = projects.find((candidate) => candidate.id === finding.projectId);
    const where = [project?.title, finding.environmentId].filter(Boolean).join(', ');
    const params = new URLSearchParams({ rule: finding.ruleId, ...(finding.projectId ? { project: finding.projectId } : {}) });
    return toEach([...admins, ...assignments.filter((row) => row.projectId === finding.projectId).map((row) => row.userId)], {
      event: 'drift_detected',
      dedupKey: `drift:${finding.id}`,
      title: `Drift detected: ${rule?.title ?? finding.ruleId}${where ? ` (${where})` : ''}`,
      body: `First seen ${isoDay(finding.firstSeenAt)}: ${vendor.productName} no longer has what Keywarden did. ${rule ? vendorCopy(rule.reason, vendor) : ''} Open the findings to see both sides and the fix.`
        .replace(/\s+/g, ' ')
        .trim(),
      linkPath: `/review?${params.toString()}`,
    });
  });
}

async function pushesFailed(db: Database, now: Date, admins: string[]): Promise<Occurrence[]> {
  // (status, finished_at) is indexed; revocation runs (their steps delete) are the next event's.
  const runs = await db.$queryRaw<
    { id: string; status: 'failed' | 'partial'; startedById: string | null; finishedAt: Date; machineUserId: string; email: string; tokenName: string; projectTitle: string; rotation: boolean; stepsFailed: number; stepsTotal: number }[]
  >`
    SELECT r.id, r.status::text AS status, r.started_by_id AS "startedById", r.finished_at AS "finishedAt", r.machine_user_id AS "machineUserId",
      m.email, t.name AS "tokenName", p.title AS "projectTitle", r.rotates_token_id IS NOT NULL AS rotation,
      (SELECT count(*)::int FROM push_steps s WHERE s.run_id = r.id AND s.status <> 'succeeded') AS "stepsFailed",
      (SELECT count(*)::int FROM push_steps s WHERE s.run_id = r.id) AS "stepsTotal"
    FROM push_runs r
    JOIN machine_users m ON m.id = r.machine_user_id
    JOIN api_tokens t ON t.id = r.token_id
    JOIN projects p ON p.id = m.project_id
    WHERE r.status IN ('failed', 'partial') AND r.finished_at >= ${new Date(now.getTime() - RUN_LOOKBACK_DAYS * DAY_MS)} AND r.finished_at <= ${now}
      AND NOT EXISTS (SELECT 1 FROM push_steps s WHERE s.run_id = r.id AND s.operation = 'delete')`;
  if (runs.length === 0) return [];
  const starters = await activeAmong(db, runs.map((run) => run.startedById));
  return runs.flatMap((run) => {
    const what = run.rotation ? 'rotation' : 'push';
    const outcome = run.status === 'failed' ? 'failed' : 'stayed partial';
    return toEach([...(run.startedById && starters.has(run.startedById) ? [run.startedById] : []), ...admins], {
      event: 'push_failed',
      dedupKey: `push:${run.id}:${run.status}`,
      title: `A ${what} of “${run.tokenName}” to ${run.email} ${outcome}`,
      body: `The ${what} of the token “${run.tokenName}” of ${run.email} (project ${run.projectTitle}) ${outcome} on ${isoDay(run.finishedAt)}${
        run.stepsTotal > 0 ? `: ${run.stepsFailed} of ${plural(run.stepsTotal, 'environment')} did not get it` : ''
      }. Resume it from the machine user’s page with the same token.`,
      linkPath: `/machine-users/${run.machineUserId}`,
    });
  });
}

async function syncsFailed(db: Database, now: Date, admins: string[], vendor: VendorProfile): Promise<Occurrence[]> {
  const since = new Date(now.getTime() - RUN_LOOKBACK_DAYS * DAY_MS);
  // started_at is indexed; a run finishes after it starts, so this bound loses nothing it should keep.
  const runs = await db.syncRun.findMany({
    where: { status: { in: ['failed', 'partial', 'interrupted'] }, startedAt: { gte: new Date(since.getTime() - DAY_MS), lte: now } },
    select: { id: true, status: true, requestedById: true, startedAt: true, finishedAt: true, heartbeatAt: true, projectsFailed: true, projectsTotal: true, error: true },
  });
  const recent = runs.filter((run) => (run.finishedAt ?? run.heartbeatAt) >= since);
  if (recent.length === 0) return [];
  const starters = await activeAmong(db, recent.map((run) => run.requestedById));
  return recent.flatMap((run) => {
    const outcome = run.status === 'failed' ? 'failed' : run.status === 'partial' ? 'stayed partial' : 'was interrupted';
    const detail =
      run.status === 'partial'
        ? `${run.projectsFailed} of ${plural(run.projectsTotal ?? run.projectsFailed, 'project')} could not be read.`
        : run.status === 'failed'
          ? `Nothing was updated${run.error ? `: ${run.error}` : '.'}`
          : 'Its instance stopped before it finished.';
    return toEach([...(run.requestedById && starters.has(run.requestedById) ? [run.requestedById] : []), ...admins], {
      event: 'sync_failed',
      dedupKey: `sync:${run.id}:${run.status}`,
      title: `An inventory sync ${outcome}`,
      body: `The inventory sync started ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC ${outcome}. ${detail} The Projects page shows each failure; sync again once ${vendor.productName} answers.`,
      linkPath: '/projects',
    });
  });
}

async function revocationsOpen(db: Database, now: Date, hours: number, admins: string[], vendor: VendorProfile): Promise<Occurrence[]> {
  // Tokens are few and (machine_user_id, status) is indexed; the latest run of each token says who
  // started the revocation and whether variables were left behind.
  const tokens = await db.$queryRaw<
    { id: string; name: string; status: 'revoked' | 'compromised'; statusChangedAt: Date; deletedOnPlatformAt: Date | null; machineUserId: string; email: string; startedById: string | null; runStatus: string | null }[]
  >`
    SELECT t.id, t.name, t.status::text AS status, t.status_changed_at AS "statusChangedAt", t.deleted_on_platform_at AS "deletedOnPlatformAt",
      m.id AS "machineUserId", m.email, r.started_by_id AS "startedById", r.status::text AS "runStatus"
    FROM api_tokens t
    JOIN machine_users m ON m.id = t.machine_user_id
    LEFT JOIN LATERAL (SELECT started_by_id, status FROM push_runs WHERE token_id = t.id ORDER BY started_at DESC LIMIT 1) r ON TRUE
    WHERE t.status IN ('revoked', 'compromised') AND t.status_changed_at <= ${new Date(now.getTime() - hours * HOUR_MS)}
      AND (t.deleted_on_platform_at IS NULL OR r.status IN ('partial', 'failed'))`;
  if (tokens.length === 0) return [];
  const starters = await activeAmong(db, tokens.map((token) => token.startedById));
  return tokens.flatMap((token) => {
    const open = [
      ...(token.deletedOnPlatformAt === null ? [`the token is not deleted on ${vendor.productName}`] : []),
      ...(token.runStatus === 'partial' || token.runStatus === 'failed' ? ['some environments still hold its variable'] : []),
    ];
    const marked = token.status === 'compromised' ? 'marked compromised' : 'revoked';
    return toEach([...(token.startedById && starters.has(token.startedById) ? [token.startedById] : []), ...admins], {
      event: 'revocation_open',
      dedupKey: `revocation:${token.id}:${token.statusChangedAt.toISOString()}`,
      title: `A revocation is still open: “${token.name}” of ${token.email}`,
      body: `The token “${token.name}” of ${token.email} was ${marked} ${plural(Math.floor((now.getTime() - token.statusChangedAt.getTime()) / HOUR_MS), 'hour')} ago and its revocation is not finished: ${open.join('; ')}. Finish it from the machine user’s page.`,
      linkPath: `/machine-users/${token.machineUserId}`,
    });
  });
}

async function campaigns(db: Database, now: Date, dueDays: number, recipients: string[]): Promise<Occurrence[]> {
  if (recipients.length === 0) return [];
  // (state, due_on) is indexed; open campaigns are a handful.
  const open = await db.reviewCampaign.findMany({ where: { state: 'open' }, select: { id: true, name: true, dueOn: true, createdAt: true } });
  return open.flatMap((campaign) => {
    const linkPath = `/review/campaigns/${campaign.id}`;
    const dueOn = isoDay(campaign.dueOn);
    const found: Occurrence[] = [];
    if (campaign.createdAt >= new Date(now.getTime() - RECENT_DAYS * DAY_MS) && campaign.createdAt <= now) {
      found.push(
        ...toEach(recipients, {
          event: 'campaign_started',
          dedupKey: `campaign:${campaign.id}:started`,
          title: `Access review “${campaign.name}” has started`,
          body: `The access review “${campaign.name}” is open and due ${dueOn}. Sign off each machine user: keep, change or remove.`,
          linkPath,
        }),
      );
    }
    const daysLeft = Math.round((utcDay(campaign.dueOn) - utcDay(now)) / DAY_MS);
    if (daysLeft >= 0 && daysLeft <= dueDays) {
      found.push(
        ...toEach(recipients, {
          event: 'campaign_due_soon',
          dedupKey: `campaign:${campaign.id}:${dueOn}:${daysLeft === 0 ? 'today' : `due_in:${dueDays}`}`,
          title: daysLeft === 0 ? `Access review “${campaign.name}” is due today` : `Access review “${campaign.name}” is due in ${plural(daysLeft, 'day')}`,
          body: `The access review “${campaign.name}” is due ${dueOn}. Sign off what is left before then.`,
          linkPath,
        }),
      );
    } else if (daysLeft < 0) {
      found.push(
        ...toEach(recipients, {
          event: 'campaign_overdue',
          dedupKey: `campaign:${campaign.id}:${dueOn}:overdue:w${Math.floor((-daysLeft - 1) / 7)}`,
          title: `Access review “${campaign.name}” is ${plural(-daysLeft, 'day')} overdue`,
          body: `The access review “${campaign.name}” was due ${dueOn} and is still open. Sign off what is left; an admin closes it.`,
          linkPath,
        }),
      );
    }
    return found;
  });
}

async function compromisedTokensUsed(db: Database, admins: string[], vendor: VendorProfile): Promise<Occurrence[]> {
  if (admins.length === 0) return [];
  const tokens = await db.$queryRaw<{ id: string; name: string; lastUsedAt: Date; statusChangedAt: Date; machineUserId: string; email: string; projectTitle: string }[]>`
    SELECT t.id, t.name, t.last_used_at AS "lastUsedAt", t.status_changed_at AS "statusChangedAt", m.id AS "machineUserId", m.email, p.title AS "projectTitle"
    FROM api_tokens t
    JOIN machine_users m ON m.id = t.machine_user_id
    JOIN projects p ON p.id = m.project_id
    WHERE t.status = 'compromised' AND t.last_used_at > t.status_changed_at`;
  return tokens.flatMap((token) =>
    toEach(admins, {
      event: 'compromised_token_used',
      // One per day of use seen: a token still in use tomorrow is news again.
      dedupKey: `compromised_use:${token.id}:${isoDay(token.lastUsedAt)}`,
      title: `A compromised token was used: “${token.name}” of ${token.email}`,
      body: `The token “${token.name}” of ${token.email} (project ${token.projectTitle}) was marked compromised ${token.statusChangedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC and ${vendor.productName} reports it used at ${token.lastUsedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. Someone still holds it: delete it on ${vendor.productName} now and look for where it was used.`,
      linkPath: `/machine-users/${token.machineUserId}`,
    }),
  );
}

/** Every operational event due now, one row per recipient. */
export async function findOperationalOccurrences(db: Database, now: Date, settings: OccurrenceSettings): Promise<Occurrence[]> {
  const { admins, reviewers } = await people(db);
  const campaignRecipients = reviewers.length > 0 ? reviewers : admins;
  const found = await Promise.all([
    driftDetected(db, now, admins, settings.vendor),
    pushesFailed(db, now, admins),
    syncsFailed(db, now, admins, settings.vendor),
    revocationsOpen(db, now, settings.revocationOpenHours, admins, settings.vendor),
    campaigns(db, now, settings.campaignDueDays, campaignRecipients),
    compromisedTokensUsed(db, admins, settings.vendor),
  ]);
  return found.flat();
}

// The onboarding checklist from the database: one set-based query reads each machine user's facts
// (invitation, acceptance, every active token with its first push to production and its last use)
// and each project's latest confirmation. A step is judged over all the active tokens of a machine
// user, never the newest one alone (issue 14.3: a second token must not undo "on production"). The project page judges them with the pure core
// (lib/onboarding/checklist.ts); the Overview judges them in SQL, with a CASE built from the same
// ordered step list, so that 2,000 projects are filtered and paginated in the database.
import 'server-only';
import { ruleFor } from '@/lib/auth/authorize';
import { getDb, Prisma } from '@/lib/db';
import { CHECKLIST_STEPS, projectChecklist, evaluateChecklist, type Checklist, type ChecklistStepKey, type ConfigConfirmation, type MachineUserFacts, type TokenFacts } from '@/lib/onboarding/checklist';
import type { RequestContext } from '../context';

/** Machine users that can still be onboarded (removed and cancelled ones have left the project). */
export const LIVE_STATES = ['invited', 'active', 'expired', 'error'] as const;
const LIVE_STATES_SQL = Prisma.sql`(${Prisma.join([...LIVE_STATES])})`;

/**
 * The facts, as common table expressions `facts` (one row per machine user) and `conf` (one row per
 * project). `projects` limits both to some projects; every join follows an index (machine_users by
 * project and state, api_tokens by machine user and status, push_runs by token, push_steps by run).
 */
function factsCte(projects: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    scope AS (${projects}),
    mu AS (
      SELECT m.id, m.project_id, m.email, m.state::text AS state, m.invitation_sent_at, m.accepted_at, m.created_at
      FROM machine_users m
      WHERE m.state::text IN ${LIVE_STATES_SQL} AND m.project_id IN (SELECT id FROM scope)
    ),
    tok AS (
      -- Every active token of each machine user.
      SELECT t.machine_user_id, t.id, t.last_four, t.recorded_at, t.last_used_at, t.last_used_seen_at
      FROM api_tokens t JOIN mu ON mu.id = t.machine_user_id
      WHERE t.status = 'active'
    ),
    prod AS (
      -- Each one's first push to a production environment (a revocation's delete steps aside).
      SELECT DISTINCT ON (r.token_id) r.token_id, s.environment_id, s.updated_at AS pushed_at
      FROM tok JOIN push_runs r ON r.token_id = tok.id JOIN push_steps s ON s.run_id = r.id
      WHERE s.status = 'succeeded' AND s.environment_type = 'production' AND s.operation IS DISTINCT FROM 'delete'
      ORDER BY r.token_id, s.updated_at ASC
    ),
    tokfacts AS (
      -- One row per active token: what the project page judges (toFacts()).
      SELECT tok.machine_user_id, tok.last_four, tok.recorded_at, tok.last_used_at, tok.last_used_seen_at, prod.environment_id, prod.pushed_at
      FROM tok LEFT JOIN prod ON prod.token_id = tok.id
    ),
    tokagg AS (
      -- The same judged over all of a machine user's active tokens: what the Overview needs (stepsDone()).
      SELECT machine_user_id, COUNT(*)::int AS token_count, MIN(pushed_at) AS pushed_at,
             COALESCE(BOOL_OR(pushed_at IS NOT NULL AND last_used_at IS NOT NULL AND last_used_at > pushed_at), FALSE) AS is_used_after_push
      FROM tokfacts GROUP BY machine_user_id
    ),
    facts AS (
      SELECT mu.id AS machine_user_id, mu.project_id, mu.email, mu.state, mu.invitation_sent_at, mu.accepted_at, mu.created_at,
             tokagg.token_count, tokagg.pushed_at, tokagg.is_used_after_push
      FROM mu LEFT JOIN tokagg ON tokagg.machine_user_id = mu.id
    ),
    conf AS (
      SELECT DISTINCT ON (c.project_id) c.project_id, c.confirmed_at, c.note, u.email AS confirmed_by
      FROM onboarding_confirmations c LEFT JOIN users u ON u.id = c.confirmed_by_id
      WHERE c.project_id IN (SELECT id FROM scope)
      ORDER BY c.project_id, c.confirmed_at DESC
    )`;
}

/** Each step's rule in SQL over `f` (facts, possibly null) and `conf`: the same rules as stepsDone(). */
const STEP_DONE_SQL: Record<ChecklistStepKey, Prisma.Sql> = {
  invited: Prisma.sql`(f.machine_user_id IS NOT NULL AND (f.invitation_sent_at IS NOT NULL OR f.state = 'active'))`,
  accepted: Prisma.sql`(f.state IS NOT NULL AND f.state = 'active')`,
  token_recorded: Prisma.sql`(f.token_count IS NOT NULL AND f.token_count > 0)`,
  token_on_production: Prisma.sql`(f.pushed_at IS NOT NULL)`,
  config_confirmed: Prisma.sql`(conf.project_id IS NOT NULL)`,
  // Some active token was used after its own first push to production.
  token_first_used: Prisma.sql`(f.is_used_after_push IS TRUE)`,
};

/** Steps done in a row from the first, in CHECKLIST_STEPS order (progressOf() in SQL). */
const PROGRESS_SQL = Prisma.sql`CASE ${Prisma.join(
  CHECKLIST_STEPS.map((key, index) => Prisma.sql`WHEN NOT ${STEP_DONE_SQL[key]} THEN ${Prisma.raw(String(index))}`),
  ' ',
)} ELSE ${Prisma.raw(String(CHECKLIST_STEPS.length))} END`;

const DONE_COUNT_SQL = Prisma.join(
  CHECKLIST_STEPS.map((key) => Prisma.sql`(CASE WHEN ${STEP_DONE_SQL[key]} THEN 1 ELSE 0 END)`),
  ' + ',
);

interface FactsRow {
  machine_user_id: string;
  project_id: string;
  email: string;
  state: string;
  invitation_sent_at: Date | null;
  accepted_at: Date | null;
  created_at: Date;
}

interface TokenFactsRow {
  machine_user_id: string;
  last_four: string;
  recorded_at: Date;
  last_used_at: Date | null;
  last_used_seen_at: Date | null;
  environment_id: string | null;
  pushed_at: Date | null;
}

interface ConfirmationRow {
  project_id: string;
  confirmed_at: Date;
  note: string | null;
  confirmed_by: string | null;
}

function toTokenFacts(row: TokenFactsRow): TokenFacts {
  return {
    lastFour: row.last_four,
    recordedAt: row.recorded_at,
    lastUsedAt: row.last_used_at,
    lastUsedSeenAt: row.last_used_seen_at,
    production: row.environment_id && row.pushed_at ? { environmentId: row.environment_id, pushedAt: row.pushed_at } : null,
  };
}

function toFacts(row: FactsRow, tokens: TokenFactsRow[]): MachineUserFacts {
  return {
    machineUserId: row.machine_user_id,
    email: row.email,
    invitedAt: row.invitation_sent_at,
    isActive: row.state === 'active',
    acceptedAt: row.accepted_at,
    tokens: tokens.filter((token) => token.machine_user_id === row.machine_user_id).map(toTokenFacts),
  };
}

export interface ProjectChecklists {
  /** The project's checklist: its most advanced machine user's. */
  project: Checklist;
  /** One per machine user, newest first. */
  machineUsers: Checklist[];
  confirmation: ConfigConfirmation | null;
}

/**
 * The checklists of one project. The caller has checked that the actor may read the project; the
 * facts are Keywarden's own records, so nothing here asks Platform.sh.
 */
export async function readProjectChecklists(projectId: string): Promise<ProjectChecklists> {
  const db = getDb();
  const scope = Prisma.sql`SELECT ${projectId}::text AS id`;
  const [rows, tokens, confirmations] = await Promise.all([
    db.$queryRaw<FactsRow[]>`WITH ${factsCte(scope)} SELECT machine_user_id, project_id, email, state, invitation_sent_at, accepted_at, created_at FROM facts ORDER BY created_at DESC, machine_user_id`,
    db.$queryRaw<TokenFactsRow[]>`WITH ${factsCte(scope)} SELECT * FROM tokfacts ORDER BY recorded_at DESC`,
    db.$queryRaw<ConfirmationRow[]>`WITH ${factsCte(scope)} SELECT * FROM conf`,
  ]);
  const latest = confirmations[0];
  const confirmation = latest ? { confirmedAt: latest.confirmed_at, confirmedBy: latest.confirmed_by, note: latest.note } : null;
  const facts = rows.map((row) => toFacts(row, tokens));
  return { project: projectChecklist(facts, confirmation), machineUsers: facts.map((entry) => evaluateChecklist(entry, confirmation)), confirmation };
}

export const OVERVIEW_PAGE_SIZE = 25;

export interface BacklogEntry {
  projectId: string;
  title: string;
  /** Steps done in a row; the next step is CHECKLIST_STEPS[progress]. */
  progress: number;
  nextStep: ChecklistStepKey;
  /** The machine user the project's checklist follows, if any. */
  machineUserEmail: string | null;
}

export interface OnboardingBacklog {
  entries: BacklogEntry[];
  /** Projects not fully onboarded, in the actor's scope. */
  total: number;
  /** Projects in the actor's scope (present on Platform.sh). */
  projectCount: number;
  page: number;
  pageSize: number;
}

/**
 * The projects the actor may read that are not fully onboarded, the furthest along first (then by
 * title), one page at a time: judged, filtered, counted and paginated in SQL (a constant number of
 * queries whatever the number of projects).
 */
export async function listOnboardingBacklog(context: RequestContext, page: number): Promise<OnboardingBacklog | null> {
  const rule = ruleFor(context.actor.role, 'project.read');
  if (rule === 'deny') return null;
  const assigned = context.actor.projectIds;
  if (rule === 'assigned' && assigned.length === 0) return { entries: [], total: 0, projectCount: 0, page, pageSize: OVERVIEW_PAGE_SIZE };
  const scope =
    rule === 'assigned'
      ? Prisma.sql`SELECT id FROM projects WHERE missing_since IS NULL AND id IN (${Prisma.join([...assigned])})`
      : Prisma.sql`SELECT id FROM projects WHERE missing_since IS NULL`;
  const judged = Prisma.sql`
    WITH ${factsCte(scope)},
    scored AS (
      SELECT p.id AS project_id, p.title, f.machine_user_id, f.email, f.invitation_sent_at, f.created_at,
             ${PROGRESS_SQL} AS progress, ${DONE_COUNT_SQL} AS done_count
      FROM projects p
      LEFT JOIN facts f ON f.project_id = p.id
      LEFT JOIN conf ON conf.project_id = p.id
      WHERE p.id IN (SELECT id FROM scope)
    ),
    best AS (
      -- The project follows its most advanced machine user (projectChecklist()).
      SELECT DISTINCT ON (project_id) *
      FROM scored
      ORDER BY project_id, progress DESC, done_count DESC, invitation_sent_at DESC NULLS LAST, created_at DESC
    )`;
  // One statement: the judged backlog is computed once for both the page and the counts (the
  // counts row comes back alone when the page is empty). It is the Overview's costliest query.
  const rows = await getDb().$queryRaw<{ total: number; project_count: number; project_id: string | null; title: string | null; progress: number | null; email: string | null }[]>`
    ${judged},
    counts AS (SELECT (COUNT(*) FILTER (WHERE progress < ${CHECKLIST_STEPS.length}))::int AS total, COUNT(*)::int AS project_count FROM best)
    SELECT counts.total, counts.project_count, listed.project_id, listed.title, listed.progress, listed.email
    FROM counts
    LEFT JOIN LATERAL (
      SELECT project_id, title, progress::int AS progress, email FROM best
      WHERE progress < ${CHECKLIST_STEPS.length}
      ORDER BY progress DESC, title, project_id
      LIMIT ${OVERVIEW_PAGE_SIZE} OFFSET ${(page - 1) * OVERVIEW_PAGE_SIZE}
    ) listed ON TRUE
    ORDER BY listed.progress DESC, listed.title, listed.project_id`;
  const counts = rows[0];
  return {
    entries: rows.flatMap((row) =>
      row.project_id === null || row.title === null
        ? []
        : [{ projectId: row.project_id, title: row.title, progress: Number(row.progress), nextStep: CHECKLIST_STEPS[Number(row.progress)] ?? 'invited', machineUserEmail: row.email }],
    ),
    total: Number(counts?.total ?? 0),
    projectCount: Number(counts?.project_count ?? 0),
    page,
    pageSize: OVERVIEW_PAGE_SIZE,
  };
}

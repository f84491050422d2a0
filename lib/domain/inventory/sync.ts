// The inventory sync (issue 3): projects, environments, who has access, and where
// a CLI token variable is set (`env:PLATFORMSH_CLI_TOKEN` or `env:UPSUN_CLI_TOKEN`, either name: an
// organisation moving to Upsun holds both), copied from Platform.sh into the database so that every page
// reads SQL instead of fanning out to the API.
//
// One run at a time across all instances: runs execute as jobs of the `inventory-sync` queue
// (lib/jobs), whose policy lets one run per key at a time, and a run is begun only while no other
// run's job is waiting or running; progress is written to the run's row, so any instance can show
// it. A project that fails is recorded with its error and the others go on; a project's rows are
// replaced in one transaction, so a failure never leaves it half-written.
// Incremental: an environment's variables are re-read only when the environment changed (its
// `updated_at` moved), was never read, or was last read more than a day ago; a full run re-reads all.
import { randomUUID } from 'node:crypto';
import type { Database, Prisma } from '@/lib/db';
import { GroupCommit } from '../group-commit';
import { logger } from '@/lib/logger';
import {
  isCliTokenVariable,
  isPlatformshError,
  mapWithConcurrency,
  type Environment,
  type PlatformshClient,
  type Project as RemoteProject,
  type UserAccess,
  type Variable,
} from '@/lib/platformsh';

import type { QueueName } from '@/lib/jobs/definitions';
import { recomputeFindingsSafely } from '../findings/engine';
import { recordDashboardAccount, trackMachineUsers, TRACKED_STATES } from '../machine-users/tracking';
import type { Transaction } from '../mutation';
import { rememberAccounts } from './own-writes';
import { accessRow, reachesProduction, toDate, tokenVariableRow } from './rows';

/** The queue whose jobs execute the runs. */
const SYNC_QUEUE: QueueName = 'inventory-sync';
/** An unchanged environment's variables are still re-read once they are this old. */
export const VARIABLES_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Projects in flight at once; the client's pacing keeps the request rate within the API's limit. */
export const DEFAULT_PROJECT_CONCURRENCY = 8;
/** Environments of one project whose variables are read at once. */
const ENVIRONMENT_CONCURRENCY = 4;
/** How often progress reaches the database (and the run checks it was not taken over). */
const PROGRESS_INTERVAL_MS = 500;
/** A running run beats at least this often, even while one project takes long. */
const HEARTBEAT_INTERVAL_MS = 30_000;
/**
 * A run whose heartbeat is older than this is presumed dead (its instance stopped without finishing
 * its job, whose lease then lapses within about as long: lib/jobs/definitions.ts) and may be taken over.
 */
export const SYNC_STALE_AFTER_MS = 120_000;

export interface BeginSyncInput {
  trigger: 'manual' | 'scheduled';
  full: boolean;
  requestedById?: string | null;
  /** The queue job that executes the run (null when the caller executes it itself: tests, bench). */
  jobId?: string | null;
}

/** Serialises concurrent begins on PostgreSQL (PGlite runs one transaction at a time anyway). */
const BEGIN_LOCK_KEY = 'keywarden.inventory-sync.begin';

/**
 * Claims the sync for a new run: returns its id, or null while another run is live (its queue job
 * is waiting, retrying or running, and it beat within SYNC_STALE_AFTER_MS). A run still marked
 * running whose job is gone, finished or failed, whose heartbeat stopped (its instance stopped), or
 * that no job executes, is closed as interrupted first; if it still runs somewhere, its next
 * progress write finds it closed and it stops.
 */
export async function beginSyncRun(tx: Transaction, input: BeginSyncInput): Promise<string | null> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${BEGIN_LOCK_KEY})::bigint)`;
  const jobId = input.jobId ?? null;
  await tx.$executeRaw`
    UPDATE sync_runs SET status = 'interrupted', finished_at = now(), error = 'Keywarden stopped before this sync finished.'
    WHERE status = 'running'
      AND (job_id IS NULL OR job_id = ${jobId}::uuid
        OR heartbeat_at < ${new Date(Date.now() - SYNC_STALE_AFTER_MS)}
        OR NOT EXISTS (
        SELECT 1 FROM pgboss.job j WHERE j.name = ${SYNC_QUEUE} AND j.id = sync_runs.job_id AND j.state IN ('created', 'retry', 'active')))`;
  if ((await tx.syncRun.count({ where: { status: 'running' } })) > 0) return null;
  const runId = randomUUID();
  await tx.syncRun.create({
    data: { id: runId, trigger: input.trigger, full: input.full, requestedById: input.requestedById ?? null, jobId },
  });
  return runId;
}

export interface ExecuteSyncOptions {
  concurrency?: number;
  now?: () => Date;
}

export interface SyncOutcome {
  status: 'succeeded' | 'partial' | 'failed' | 'interrupted';
  projectsTotal: number;
  projectsFailed: number;
}

/** Runs a begun sync to its end. Never throws: the outcome is on the run's row. */
export async function executeSyncRun(db: Database, client: PlatformshClient, runId: string, options: ExecuteSyncOptions = {}): Promise<SyncOutcome> {
  const now = options.now ?? (() => new Date());
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
  const progress = new ProgressWriter(db, runId);
  const heartbeat = setInterval(() => void progress.beat().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  try {
    let listed: RemoteProject[];
    try {
      listed = await listAllProjects(client);
    } catch (error) {
      const message = describeFailure(error);
      await progress.finish('failed', `Could not list the projects: ${message}`);
      return { status: 'failed', projectsTotal: 0, projectsFailed: 0 };
    }
    await progress.setTotal(listed.length);
    const unchanged: string[] = [];
    await recordDashboardAccount(db, client).catch((error: unknown) => logger.warn('could not identify the dashboard account', { error }));
    const tracked = new Set(
      (await db.machineUser.findMany({ where: { state: { in: [...TRACKED_STATES] } }, select: { projectId: true }, distinct: ['projectId'] })).map((row) => row.projectId),
    );

    // Accounts asked about (or found fresh) once in this run: most recur across projects.
    const settledAccounts = new Set<string>();
    const writer = new ProjectWriter(db);
    const stored = new StoredProjects(db, listed.map((project) => project.id));
    await mapWithConcurrency(listed, options.concurrency ?? DEFAULT_PROJECT_CONCURRENCY, async (project) => {
      if (progress.lost) return;
      try {
        const counts = await syncProject(db, client, project, { full: run.full, now: now(), writer, stored });
        if (counts.unchanged) unchanged.push(project.id);
        // Who each account is (the access list gives ids only): asked once per account, never fatal.
        await rememberAccounts(db, client, counts.access.map((grant) => grant.userId), now(), settledAccounts);
        // The machine users Keywarden knows of: invitations followed, access checked.
        if (tracked.has(project.id)) await trackMachineUsers(db, client, project.id, { access: counts.access });
        await progress.projectDone(counts);
      } catch (error) {
        const message = describeFailure(error);
        await recordProjectFailure(db, runId, project, message, now());
        await progress.projectFailed();
      }
    });

    // Another run may have closed this one since the last progress write: then it owns the inventory.
    if (progress.lost || !(await progress.stillRunning())) {
      await progress.finish('interrupted', 'Another instance took over the sync.');
      return { status: 'interrupted', projectsTotal: listed.length, projectsFailed: progress.failed };
    }
    await markSynced(db, unchanged, now());
    await markMissingProjects(db, listed, now());
    const status = progress.failed > 0 ? 'partial' : 'succeeded';
    await progress.finish(status, null);
    // What the sync saw (variables, access, drift) is what the findings rules read (issue 15 §2).
    await recomputeFindingsSafely(db, now());
    return { status, projectsTotal: listed.length, projectsFailed: progress.failed };
  } catch (error) {
    // The database itself failed: nothing more can be recorded reliably; the queue retries the job.
    logger.error('inventory sync failed', { runId, error });
    await progress.finish('failed', 'The sync stopped on an internal error.').catch(() => undefined);
    return { status: 'failed', projectsTotal: 0, projectsFailed: progress.failed };
  } finally {
    clearInterval(heartbeat);
  }
}

async function listAllProjects(client: PlatformshClient): Promise<RemoteProject[]> {
  const organizations = await client.listOrganizations();
  const byId = new Map<string, RemoteProject>();
  for (const organization of organizations) {
    for (const project of await client.listOrganizationProjects(organization.id)) byId.set(project.id, project);
  }
  return [...byId.values()];
}

/**
 * Plain words for the Projects page, naming the request that failed (unlike describePlatformshFailure,
 * which names the vendor's message); PlatformshError's text is already redacted.
 */
function describeFailure(error: unknown): string {
  if (isPlatformshError(error)) {
    const status = error.status === undefined ? '' : ` → ${error.status}`;
    return `${error.userMessage} (${error.method} ${error.path}${status})`;
  }
  logger.error('unexpected error while syncing a project', { error });
  return 'An unexpected error occurred while reading this project.';
}

interface ProjectCounts {
  environments: number;
  variableReads: number;
  /** Nothing changed since the last sync: only the sync time needs writing. */
  unchanged: boolean;
  /** The project's user access as just read (machine users are checked against it). */
  access: UserAccess[];
}

function needsVariableRead(stored: { remoteUpdatedAt: Date | null; variablesReadAt: Date | null } | undefined, environment: Environment, now: Date): boolean {
  if (!stored?.variablesReadAt) return true;
  if (now.getTime() - stored.variablesReadAt.getTime() > VARIABLES_MAX_AGE_MS) return true;
  const remote = environment.updatedAt ? Date.parse(environment.updatedAt) : Number.NaN;
  return stored.remoteUpdatedAt?.getTime() !== remote;
}

/** The descendants of `roots` (not the roots themselves), by following `parent`. */
function descendantsOf(environments: Environment[], roots: ReadonlySet<string>): Environment[] {
  const ids = new Set(roots);
  const found: Environment[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const environment of environments) {
      if (environment.parent && ids.has(environment.parent) && !ids.has(environment.id)) {
        ids.add(environment.id);
        found.push(environment);
        grew = true;
      }
    }
  }
  return found;
}

type StoredProject = Awaited<ReturnType<typeof loadStoredProjects>>[number];

function loadStoredProjects(db: Database, projectIds: string[]) {
  return db.project.findMany({
    where: { id: { in: projectIds } },
    include: {
      environments: true,
      userAccess: true,
      tokenVariables: { select: { environmentId: true, name: true, isSensitive: true, isInheritable: true, isEnabled: true, visibleBuild: true, visibleRuntime: true, inherited: true, remoteCreatedAt: true, remoteUpdatedAt: true } },
    },
  });
}

/** Projects whose stored rows are read in one go (four queries for all of them, not four each). */
const STORED_CHUNK = 32;

/**
 * What is stored of the listed projects, read a chunk at a time in the listing's order (the order
 * the sync takes them in): the first project of a chunk reads the whole chunk, the others find it
 * read. A chunk is read as its first project starts, as the one project's read was before — at
 * most a chunk's worth of projects earlier — and chunks behind the sync are let go.
 */
class StoredProjects {
  private readonly position: Map<string, number>;
  private readonly chunks = new Map<number, Promise<Map<string, StoredProject>>>();

  constructor(
    private readonly db: Database,
    private readonly projectIds: readonly string[],
  ) {
    this.position = new Map(projectIds.map((id, index) => [id, index]));
  }

  async get(projectId: string): Promise<StoredProject | undefined> {
    const index = this.position.get(projectId);
    if (index === undefined) return (await loadStoredProjects(this.db, [projectId]))[0];
    const chunk = Math.floor(index / STORED_CHUNK);
    let loading = this.chunks.get(chunk);
    if (!loading) {
      const ids = this.projectIds.slice(chunk * STORED_CHUNK, (chunk + 1) * STORED_CHUNK);
      loading = loadStoredProjects(this.db, [...ids]).then((rows) => new Map(rows.map((row) => [row.id, row])));
      this.chunks.set(chunk, loading);
      // Projects run a few at a time in order: two chunks back, none is still waiting for its rows.
      this.chunks.delete(chunk - 2);
    }
    return (await loading).get(projectId);
  }
}

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

function projectFields(project: RemoteProject, environments: Environment[]) {
  const countOf = (type: Environment['type']) => environments.filter((environment) => environment.type === type).length;
  return {
    title: project.title,
    region: project.region,
    organizationId: project.organizationId,
    status: project.status,
    defaultBranch: project.defaultBranch,
    remoteUpdatedAt: toDate(project.updatedAt),
    environmentCount: environments.length,
    productionCount: countOf('production'),
    stagingCount: countOf('staging'),
    developmentCount: countOf('development'),
  };
}

function environmentRow(projectId: string, environment: Environment, variablesReadAt: Date | null) {
  return {
    projectId,
    id: environment.id,
    name: environment.name,
    title: environment.title,
    type: environment.type,
    status: environment.status,
    parent: environment.parent,
    isMain: environment.isMain,
    remoteUpdatedAt: toDate(environment.updatedAt),
    variablesReadAt,
  };
}

type TokenVariableRow = ReturnType<typeof tokenVariableRow>;
const tokenVariableKey = (row: Omit<TokenVariableRow, 'projectId'>) =>
  JSON.stringify([row.environmentId, row.name, row.isSensitive, row.isInheritable, row.isEnabled, row.visibleBuild, row.visibleRuntime, row.inherited, row.remoteCreatedAt?.getTime() ?? null, row.remoteUpdatedAt?.getTime() ?? null]);

/**
 * Whether what the API answered equals what is stored (then nothing but the sync time is written:
 * an incremental run over an unchanged organisation costs reads only).
 */
function isUnchanged(stored: StoredProject, fields: ReturnType<typeof projectFields>, environments: Environment[], access: UserAccess[], projectTokenRows: TokenVariableRow[]): boolean {
  if (stored.lastSyncError !== null || stored.missingSince !== null) return false;
  const scalarKeys = ['title', 'region', 'organizationId', 'status', 'defaultBranch', 'environmentCount', 'productionCount', 'stagingCount', 'developmentCount'] as const;
  if (scalarKeys.some((key) => stored[key] !== fields[key]) || !sameTime(stored.remoteUpdatedAt, fields.remoteUpdatedAt)) return false;

  const storedEnvironments = new Map(stored.environments.map((row) => [row.id, row]));
  const environmentsSame = environments.every((environment) => {
    const row = storedEnvironments.get(environment.id);
    const next = environmentRow(stored.id, environment, null);
    return row !== undefined && row.name === next.name && row.title === next.title && row.type === next.type && row.status === next.status && row.parent === next.parent && row.isMain === next.isMain && sameTime(row.remoteUpdatedAt, next.remoteUpdatedAt);
  });
  if (!environmentsSame) return false;

  const storedAccess = new Map(stored.userAccess.map((row) => [row.userId, row]));
  const accessSame =
    stored.userAccess.length === access.length &&
    access.every((grant) => {
      const row = storedAccess.get(grant.userId);
      return row !== undefined && row.permissions.join(',') === grant.permissions.join(',') && sameTime(row.grantedAt, toDate(grant.grantedAt)) && sameTime(row.remoteUpdatedAt, toDate(grant.updatedAt));
    });
  if (!accessSame) return false;

  const storedProjectTokens = stored.tokenVariables.filter((row) => row.environmentId === null).map(tokenVariableKey).sort();
  return JSON.stringify(storedProjectTokens) === JSON.stringify(projectTokenRows.map(tokenVariableKey).sort());
}

/** Reads the token variables of `environments`, a few at a time; any failure fails the project. */
async function readTokenVariables(client: PlatformshClient, projectId: string, environments: Environment[]): Promise<Map<string, Variable[]>> {
  const reads = await mapWithConcurrency(environments, ENVIRONMENT_CONCURRENCY, (environment) => client.listEnvironmentVariables(projectId, environment.id));
  const result = new Map<string, Variable[]>();
  reads.forEach((read, index) => {
    if (read.status === 'rejected') throw read.reason;
    result.set(environments[index]!.id, read.value.filter((variable) => isCliTokenVariable(variable.name)));
  });
  return result;
}

/**
 * Reads one project from the API and replaces its rows in one transaction. Returns `unchanged`
 * when the answer equals what is stored; the caller then only records the sync time.
 */
export async function syncProject(
  db: Database,
  client: PlatformshClient,
  project: RemoteProject,
  options: { full: boolean; now: Date; writer: ProjectWriter; stored: StoredProjects },
): Promise<ProjectCounts> {
  const { now } = options;
  const [environments, access, projectVariables, stored] = await Promise.all([
    client.listEnvironments(project.id),
    client.listUserAccess(project.id),
    client.listProjectVariables(project.id),
    options.stored.get(project.id),
  ]);
  const storedEnvironments = new Map((stored?.environments ?? []).map((row) => [row.id, row]));
  const changed = environments.filter((environment) => options.full || needsVariableRead(storedEnvironments.get(environment.id), environment, now));
  const readVariables = await readTokenVariables(client, project.id, changed);
  // A child lists what it inherits, and a parent's change does not move the child's `updated_at`:
  // when a re-read environment's own token variable is (or was) inheritable, its descendants'
  // inherited rows may have changed too, so they are read as well.
  const wasInheritable = new Set((stored?.tokenVariables ?? []).filter((row) => !row.inherited && row.isInheritable).map((row) => row.environmentId));
  const propagating = new Set(
    changed
      .filter((environment) => wasInheritable.has(environment.id) || (readVariables.get(environment.id) ?? []).some((variable) => !variable.inherited && variable.isInheritable))
      .map((environment) => environment.id),
  );
  const descendants = descendantsOf(environments, propagating).filter((environment) => !readVariables.has(environment.id));
  for (const [environmentId, variables] of await readTokenVariables(client, project.id, descendants)) readVariables.set(environmentId, variables);
  const toRead = [...changed, ...descendants];

  const fields = projectFields(project, environments);
  const projectTokenRows = projectVariables.filter((variable) => isCliTokenVariable(variable.name)).map((variable) => tokenVariableRow(project.id, null, variable));
  const counts = { environments: environments.length, variableReads: toRead.length, access };
  if (stored && toRead.length === 0 && isUnchanged(stored, fields, environments, access, projectTokenRows)) return { ...counts, unchanged: true };

  // Token variables after this sync: the project level and every environment read now, plus what is
  // stored for environments that still exist and were not re-read.
  const environmentIds = new Set(environments.map((environment) => environment.id));
  const keptTokenRows = (stored?.tokenVariables ?? []).filter((row) => row.environmentId !== null && environmentIds.has(row.environmentId) && !readVariables.has(row.environmentId));
  const newTokenRows = [...projectTokenRows, ...[...readVariables].flatMap(([environmentId, variables]) => variables.map((variable) => tokenVariableRow(project.id, environmentId, variable)))];
  const productionIds = new Set(environments.filter((environment) => environment.type === 'production').map((environment) => environment.id));
  const tokenOnProduction = reachesProduction([...keptTokenRows, ...newTokenRows], productionIds);

  const projectData = { ...fields, tokenOnProduction, lastSyncedAt: now, lastSyncError: null, lastSyncErrorAt: null, missingSince: null };
  const environmentRows = environments.map((environment) =>
    environmentRow(project.id, environment, readVariables.has(environment.id) ? now : (storedEnvironments.get(environment.id)?.variablesReadAt ?? null)),
  );
  await options.writer.write({
    projectId: project.id,
    projectData,
    environmentRows,
    tokenRowsReplaced: { environmentIds: [...readVariables.keys()], stillExisting: [...environmentIds] },
    newTokenRows,
    accessRows: access.map((grant) => accessRow(project.id, grant)),
  });
  return { ...counts, unchanged: false };
}

/** One project's rows as a sync replaces them. */
interface ProjectRewrite {
  projectId: string;
  projectData: Omit<Prisma.ProjectUncheckedCreateInput, 'id'>;
  environmentRows: Prisma.EnvironmentCreateManyInput[];
  /** The token rows replaced: project-level ones, those of the environments read now, and those of environments gone. */
  tokenRowsReplaced: { environmentIds: string[]; stillExisting: string[] };
  newTokenRows: Prisma.TokenVariableCreateManyInput[];
  accessRows: Prisma.ProjectUserAccessCreateManyInput[];
}

/**
 * Writes the projects a sync rewrites a few at a time: the projects answered while one commit runs
 * go into the next, one transaction and a statement per table for all of them, instead of a
 * transaction of seven statements each (the embedded database runs one statement at a time, and was
 * most of a full sync's CPU). Each project is still replaced whole or not at all: a group that fails
 * is written again one project at a time, so that only the project at fault fails.
 */
class ProjectWriter {
  private readonly group: GroupCommit<ProjectRewrite>;

  constructor(db: Database) {
    this.group = new GroupCommit((rewrites) => db.$transaction((tx) => writeProjects(tx, rewrites)));
  }

  write(rewrite: ProjectRewrite): Promise<void> {
    return this.group.write(rewrite);
  }
}

async function writeProjects(tx: Transaction, rewrites: readonly ProjectRewrite[]): Promise<void> {
  // In id order: two writers never wait for each other's project rows in turn. The upsert takes the
  // project row's lock, as a push's own writes do first (own-writes.ts).
  const sorted = [...rewrites].sort((a, b) => a.projectId.localeCompare(b.projectId));
  for (const { projectId, projectData } of sorted) await tx.project.upsert({ where: { id: projectId }, create: { id: projectId, ...projectData }, update: projectData });
  const projectIds = sorted.map((rewrite) => rewrite.projectId);
  await tx.environment.deleteMany({ where: { projectId: { in: projectIds } } });
  const environmentRows = sorted.flatMap((rewrite) => rewrite.environmentRows);
  if (environmentRows.length) await tx.environment.createMany({ data: environmentRows });
  await tx.tokenVariable.deleteMany({
    where: {
      OR: sorted.map(({ projectId, tokenRowsReplaced }) => ({
        projectId,
        OR: [{ environmentId: null }, { environmentId: { in: tokenRowsReplaced.environmentIds } }, { environmentId: { notIn: tokenRowsReplaced.stillExisting } }],
      })),
    },
  });
  const tokenRows = sorted.flatMap((rewrite) => rewrite.newTokenRows);
  if (tokenRows.length) await tx.tokenVariable.createMany({ data: tokenRows });
  await tx.projectUserAccess.deleteMany({ where: { projectId: { in: projectIds } } });
  const accessRows = sorted.flatMap((rewrite) => rewrite.accessRows);
  if (accessRows.length) await tx.projectUserAccess.createMany({ data: accessRows });
}

async function recordProjectFailure(db: Database, runId: string, project: RemoteProject, message: string, now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.syncFailure.create({ data: { runId, projectId: project.id, projectTitle: project.title, message, occurredAt: now } });
    // A project seen for the first time still appears, with its error, so nobody misses it.
    await tx.project.upsert({
      where: { id: project.id },
      create: { id: project.id, title: project.title, region: project.region, organizationId: project.organizationId, lastSyncError: message, lastSyncErrorAt: now },
      update: { lastSyncError: message, lastSyncErrorAt: now, missingSince: null },
    });
  });
}

/** Unchanged projects were read just now: record it, in batches rather than a write each. */
async function markSynced(db: Database, projectIds: string[], now: Date): Promise<void> {
  for (let start = 0; start < projectIds.length; start += 1000) {
    await db.project.updateMany({ where: { id: { in: projectIds.slice(start, start + 1000) } }, data: { lastSyncedAt: now } });
  }
}

/** Projects the complete listing no longer contains are kept, marked as missing. */
async function markMissingProjects(db: Database, listed: RemoteProject[], now: Date): Promise<void> {
  await db.project.updateMany({
    where: { id: { notIn: listed.map((project) => project.id) }, missingSince: null },
    data: { missingSince: now },
  });
}

/** Counts progress in memory and writes it to the run's row at most every half second. */
class ProgressWriter {
  done = 0;
  failed = 0;
  lost = false;
  private environments = 0;
  private variableReads = 0;
  private lastWrite = 0;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly runId: string,
  ) {}

  async setTotal(total: number): Promise<void> {
    await this.db.syncRun.update({ where: { id: this.runId }, data: { projectsTotal: total, heartbeatAt: new Date() } });
  }

  async projectDone(counts: ProjectCounts): Promise<void> {
    this.done += 1;
    this.environments += counts.environments;
    this.variableReads += counts.variableReads;
    await this.maybeWrite();
  }

  async projectFailed(): Promise<void> {
    this.done += 1;
    this.failed += 1;
    await this.maybeWrite();
  }

  private async maybeWrite(): Promise<void> {
    if (this.writing || Date.now() - this.lastWrite < PROGRESS_INTERVAL_MS) return;
    this.lastWrite = Date.now();
    this.writing = this.write().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  private async write(): Promise<void> {
    // Only while still running: a newer run closes this one as interrupted when its job is gone.
    const written = await this.db.syncRun.updateMany({ where: { id: this.runId, status: 'running' }, data: { ...this.counters(), heartbeatAt: new Date() } });
    if (written.count === 0) this.lost = true;
  }

  /** Writes the counters now (the heartbeat), unless a write is under way. */
  async beat(): Promise<void> {
    if (this.writing) return;
    this.lastWrite = Date.now();
    this.writing = this.write().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  async stillRunning(): Promise<boolean> {
    await this.writing;
    return (await this.db.syncRun.count({ where: { id: this.runId, status: 'running' } })) === 1;
  }

  private counters() {
    return { projectsDone: this.done, projectsFailed: this.failed, environmentsSeen: this.environments, variableReads: this.variableReads };
  }

  async finish(status: SyncOutcome['status'], error: string | null): Promise<void> {
    await this.writing;
    // Only a run still marked running: a newer run may already have closed this one as interrupted.
    await this.db.syncRun.updateMany({
      where: { id: this.runId, status: 'running' },
      data: { ...this.counters(), status, error, finishedAt: new Date(), heartbeatAt: new Date() },
    });
  }
}

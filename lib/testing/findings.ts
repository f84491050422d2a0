// Builders for the findings rules' fixtures: rows written straight into the tables the rules read
// (projects, environments, machine users, tokens, the push journal, variables, access), each with
// fresh ids so that fixtures never see one another's rows.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '@/lib/db';
import type { MachinePurpose, MachineUserState, TokenStatus } from '@/lib/db/generated/client';
import { CLI_TOKEN_VARIABLE } from '@/lib/platformsh';
import { createUser } from './fixtures';

export const DAY = 24 * 60 * 60 * 1000;
export const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY);

const suffix = () => randomBytes(4).toString('hex');

export async function project(db: Database, options: { syncedAt?: Date | null } = {}) {
  const id = `fx-${suffix()}`;
  return db.project.create({ data: { id, title: `Fixture ${id}`, lastSyncedAt: options.syncedAt === undefined ? new Date() : options.syncedAt } });
}

export async function environment(db: Database, projectId: string, id: string, type: 'production' | 'staging' | 'development', parent: string | null = null) {
  return db.environment.create({ data: { projectId, id, name: id, title: id, type, status: 'active', parent, variablesReadAt: new Date() } });
}

export async function owner(db: Database, options: Parameters<typeof createUser>[1] = { role: 'admin' }) {
  return createUser(db, options);
}

export async function machineUser(
  db: Database,
  options: {
    projectId: string;
    ownerId: string;
    purpose?: MachinePurpose;
    email?: string;
    permissions?: string[];
    state?: MachineUserState;
    platformshUserId?: string | null;
    invitationSentAt?: Date | null;
    acceptedAt?: Date | null;
    removedAt?: Date | null;
  },
) {
  const state = options.state ?? 'active';
  return db.machineUser.create({
    data: {
      projectId: options.projectId,
      ownerId: options.ownerId,
      purpose: options.purpose ?? 'backups',
      email: options.email ?? `bot-${suffix()}@machines.example.com`,
      permissions: options.permissions ?? ['viewer', 'production:admin'],
      state,
      platformshUserId: options.platformshUserId === undefined ? (state === 'active' || state === 'removed' ? `psh-${suffix()}` : null) : options.platformshUserId,
      invitationSentAt: options.invitationSentAt ?? null,
      acceptedAt: options.acceptedAt === undefined ? (state === 'active' ? daysAgo(new Date(), 2) : null) : options.acceptedAt,
      removedAt: options.removedAt ?? null,
    },
  });
}

export async function token(
  db: Database,
  options: {
    machineUserId: string;
    status?: TokenStatus;
    rotateBy?: Date;
    recordedAt?: Date;
    remoteCreatedAt?: Date | null;
    lastUsedAt?: Date | null;
    platformshTokenId?: string | null;
    deletedOnPlatformAt?: Date | null;
  },
) {
  const now = new Date();
  return db.apiToken.create({
    data: {
      machineUserId: options.machineUserId,
      name: 'Cron',
      fingerprint: randomBytes(32).toString('hex'),
      lastFour: suffix().slice(0, 4),
      status: options.status ?? 'active',
      rotateBy: options.rotateBy ?? new Date(now.getTime() + 30 * DAY),
      recordedAt: options.recordedAt ?? daysAgo(now, 1),
      remoteCreatedAt: options.remoteCreatedAt ?? null,
      lastUsedAt: options.lastUsedAt === undefined ? daysAgo(now, 1) : options.lastUsedAt,
      platformshTokenId: options.platformshTokenId ?? null,
      deletedOnPlatformAt: options.deletedOnPlatformAt ?? null,
    },
  });
}

/** A succeeded journal step: Keywarden set (or, with `operation: 'delete'`, cleared) the token there. */
export async function pushed(
  db: Database,
  options: { machineUserId: string; tokenId: string; projectId: string; environmentId: string; environmentType: string; visibleBuild?: boolean; operation?: string; at?: Date },
) {
  const at = options.at ?? daysAgo(new Date(), 1);
  const run = await db.pushRun.create({
    data: { machineUserId: options.machineUserId, tokenId: options.tokenId, status: 'succeeded', visibleBuild: options.visibleBuild ?? false, startedAt: at, finishedAt: at },
  });
  await db.pushStep.create({
    data: { runId: run.id, projectId: options.projectId, environmentId: options.environmentId, environmentType: options.environmentType, status: 'succeeded', operation: options.operation ?? 'create' },
  });
  // updatedAt is set by Prisma on write: move it to the step's time (the journal orders by it).
  await db.$executeRaw`UPDATE push_steps SET updated_at = ${at} WHERE run_id = ${run.id}::uuid`;
  return run;
}

export async function variable(
  db: Database,
  options: { projectId: string; environmentId: string | null; isSensitive?: boolean; isInheritable?: boolean; isEnabled?: boolean; visibleBuild?: boolean; inherited?: boolean },
) {
  return db.tokenVariable.create({
    data: {
      id: randomUUID(),
      projectId: options.projectId,
      environmentId: options.environmentId,
      name: CLI_TOKEN_VARIABLE,
      isSensitive: options.isSensitive ?? true,
      isInheritable: options.isInheritable ?? false,
      isEnabled: options.isEnabled ?? true,
      visibleBuild: options.visibleBuild ?? false,
      visibleRuntime: true,
      inherited: options.inherited ?? false,
    },
  });
}

export async function access(db: Database, projectId: string, userId: string, permissions: string[]) {
  return db.projectUserAccess.create({ data: { projectId, userId, permissions } });
}

/**
 * A machine user whose token Keywarden pushed to `environmentId` (a `type` environment), with the
 * variable there as Keywarden set it. The common ground of many fixtures.
 */
export async function keywardenHolding(
  db: Database,
  options: { projectId?: string; environmentId?: string; type?: 'production' | 'staging' | 'development'; purpose?: MachinePurpose; visibleBuild?: boolean; variableFlags?: Partial<Parameters<typeof variable>[1]> } = {},
) {
  const projectRow = options.projectId ? { id: options.projectId } : await project(db);
  const environmentId = options.environmentId ?? 'main';
  const type = options.type ?? 'production';
  if (!options.environmentId) await environment(db, projectRow.id, environmentId, type);
  const person = await owner(db);
  const machine = await machineUser(db, { projectId: projectRow.id, ownerId: person.id, purpose: options.purpose ?? 'backups' });
  const apiToken = await token(db, { machineUserId: machine.id });
  await pushed(db, { machineUserId: machine.id, tokenId: apiToken.id, projectId: projectRow.id, environmentId, environmentType: type, visibleBuild: options.visibleBuild });
  await variable(db, { projectId: projectRow.id, environmentId, visibleBuild: options.visibleBuild ?? false, ...options.variableFlags });
  return { projectId: projectRow.id, environmentId, machineUser: machine, token: apiToken, owner: person };
}

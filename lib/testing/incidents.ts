// Test data for incident response: tokens "pushed" at scale without going through the push flow —
// the machine user and token records, a succeeded push run journalling each environment (what
// Keywarden's holdings read), and the variable itself on the simulator's environment.
import { randomBytes } from 'node:crypto';
import type { Database } from '@/lib/db';
import type { RunningSimulator } from '@/lib/platformsh/simulator';

export const TOKEN_VARIABLE = 'env:PLATFORMSH_CLI_TOKEN';

/** A project on both sides (simulator and database) with these environments, if it is not there yet. */
export async function ensureProject(db: Database, sim: RunningSimulator, projectId: string, environments: { id: string; type: 'production' | 'staging' | 'development' }[]) {
  if (!sim.store.projects.has(projectId)) sim.store.addProject({ id: projectId, organizationId: sim.demo!.organizationId, title: `Project ${projectId}`, region: 'eu-5.platform.sh' });
  const project = sim.store.projects.get(projectId)!;
  for (const environment of environments) if (!project.environments.has(environment.id)) sim.store.addEnvironment(projectId, environment);
  await db.project.upsert({ where: { id: projectId }, create: { id: projectId, title: `Project ${projectId}` }, update: {} });
}

/**
 * A machine user with one token pushed to `environments` of `projectId` (already on the simulator):
 * the records, the journal of a succeeded push, and the sensitive variable on each environment.
 */
export async function seedPushedToken(
  db: Database,
  sim: RunningSimulator,
  options: {
    projectId: string;
    ownerId: string;
    environments: { id: string; type: string }[];
    purpose?: 'backups' | 'ci_tests' | 'source_operations' | 'certificate_renewal' | 'custom';
    pushedById?: string;
    visibleBuild?: boolean;
    recordedAt?: Date;
    /** Already deleted on Platform.sh (e.g. a compromised token deleted with a live token). */
    deletedOnPlatform?: boolean;
  },
) {
  const label = randomBytes(5).toString('hex');
  const machineUser = await db.machineUser.create({
    data: { projectId: options.projectId, purpose: options.purpose ?? 'backups', email: `bots+incident-${label}@example.com`, permissions: ['viewer', 'production:admin'], state: 'active', ownerId: options.ownerId, platformshUserId: `user-${label}` },
  });
  const token = await db.apiToken.create({
    data: {
      machineUserId: machineUser.id,
      name: `cron ${label}`,
      fingerprint: randomBytes(32).toString('hex'),
      lastFour: label.slice(0, 4),
      rotateBy: new Date(Date.now() + 90 * 86_400_000),
      platformshTokenId: `remote-${label}`,
      recordedById: options.pushedById ?? null,
      recordedAt: options.recordedAt ?? new Date(),
      ...(options.deletedOnPlatform ? { status: 'compromised' as const, deletedOnPlatformAt: new Date() } : {}),
    },
  });
  await db.pushRun.create({
    data: {
      machineUserId: machineUser.id,
      tokenId: token.id,
      status: 'succeeded',
      visibleBuild: options.visibleBuild ?? false,
      startedById: options.pushedById ?? null,
      finishedAt: new Date(),
      steps: { create: options.environments.map((environment) => ({ projectId: options.projectId, environmentId: environment.id, environmentType: environment.type, status: 'succeeded' as const, operation: 'create', variableName: TOKEN_VARIABLE })) },
    },
  });
  for (const environment of options.environments) {
    sim.store.seedVariable(options.projectId, environment.id, { name: TOKEN_VARIABLE, value: `pst_${label}${randomBytes(8).toString('hex')}`, is_sensitive: true, is_inheritable: false, visible_build: options.visibleBuild ?? false, visible_runtime: true, is_enabled: true });
  }
  return { machineUser, token };
}

/** Whether the environment still has its own CLI token variable on the simulator. */
export function holdsVariable(sim: RunningSimulator, projectId: string, environmentId: string): boolean {
  return sim.store.projects.get(projectId)?.environments.get(environmentId)?.variables.has(TOKEN_VARIABLE) ?? false;
}

// Test data for incident response: tokens "pushed" at scale without going through the push flow —
// the machine user and token records, a succeeded push run journalling each environment (what
// Keywarden's holdings read), and the variable itself on the simulator's environment.
import { randomBytes } from 'node:crypto';
import type { Database } from '@/lib/db';
import type { RunningSimulator } from '@/lib/platformsh/simulator';
import { fingerprintOf, lastFourOf } from '@/lib/security/fingerprint';

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

/**
 * A machine user that exists on both sides (a Platform.sh account on the simulator, so that its
 * bootstrap tokens authenticate and mint) with one recorded token per entry of `tokens`, each
 * pushed to its environments (journal and variable, the variable holding the real token value):
 * what a bulk rotation replaces. The fingerprints use `fingerprintKey`, as Keywarden's would.
 */
export async function seedRotatableMachineUser(
  db: Database,
  sim: RunningSimulator,
  options: { projectId: string; ownerId: string; purpose: 'backups' | 'ci_tests' | 'source_operations' | 'certificate_renewal' | 'custom'; tokens: { id: string; type: string }[][]; fingerprintKey: string },
) {
  const label = randomBytes(5).toString('hex');
  const email = `bots+rotation-${label}@example.com`;
  const account = sim.store.addUser({ username: `rotation-${label}`, email });
  const machineUser = await db.machineUser.create({
    data: { projectId: options.projectId, purpose: options.purpose, email, permissions: ['viewer', 'development:contributor'], state: 'active', ownerId: options.ownerId, platformshUserId: account.id },
  });
  const tokens = [];
  for (const [index, environments] of options.tokens.entries()) {
    const remote = sim.store.issueApiToken(account.id, `deploy ${index + 1}`);
    const token = await db.apiToken.create({
      data: { machineUserId: machineUser.id, name: `deploy ${label} ${index + 1}`, fingerprint: fingerprintOf(remote.token, options.fingerprintKey), lastFour: lastFourOf(remote.token), rotateBy: new Date(Date.now() + 90 * 86_400_000), platformshTokenId: remote.id, recordedById: options.ownerId },
    });
    await db.pushRun.create({
      data: {
        machineUserId: machineUser.id,
        tokenId: token.id,
        status: 'succeeded',
        visibleBuild: false,
        finishedAt: new Date(),
        steps: { create: environments.map((environment) => ({ projectId: options.projectId, environmentId: environment.id, environmentType: environment.type, status: 'succeeded' as const, operation: 'create', variableName: TOKEN_VARIABLE })) },
      },
    });
    for (const environment of environments) {
      sim.store.seedVariable(options.projectId, environment.id, { name: TOKEN_VARIABLE, value: remote.token, is_sensitive: true, is_inheritable: false, visible_build: false, visible_runtime: true, is_enabled: true });
    }
    tokens.push({ record: token, value: remote.token, platformshTokenId: remote.id, environments });
  }
  return { machineUser, userId: account.id, tokens };
}

/** The value of the environment's own CLI token variable on the simulator. */
export function variableValue(sim: RunningSimulator, projectId: string, environmentId: string): string | undefined {
  return sim.store.projects.get(projectId)?.environments.get(environmentId)?.variables.get(TOKEN_VARIABLE)?.value;
}

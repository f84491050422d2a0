// Bulk rotation (issue 18.3) against the simulator over real HTTP, on PGlite and PostgreSQL: 30
// tokens of 10 machine users across 10 projects rotated from one bootstrap token per machine user
// with faults on (5xx, 429, resets, a lost mint answer, a lost variable answer) and the API's rate
// limit — every environment ends holding a fresh minted token, every old token and every bootstrap
// is deleted, and the canary scan finds no minted or bootstrap value in any sink (the simulator's
// request log is the positive control); a bootstrap of someone else refuses the whole execution; a
// crash between the mint and the push, then the resume with bootstrap tokens pasted again, leaves no
// minted token unaccounted for; a 403 to the mint stops that machine user cleanly, and a machine
// user without a bootstrap is "not rotated — no bootstrap token".
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { logger } from '@/lib/logger';
import { fingerprintOf, lastFourOf } from '@/lib/security/fingerprint';
import type { PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { canaryToken, findIn, formsOf } from '@/lib/testing/canary';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { ensureProject, seedRotatableMachineUser, variableValue } from '@/lib/testing/incidents';
import { auditEventsSince, databaseText, lastAuditSeq } from '@/lib/testing/inspect';
import { simulatorClient } from '@/lib/testing/inventory';
import { INTERRUPTED_AFTER_MS } from '../tokens/interrupted';
import { createIncident, dryRunIncident } from './plan';
import { getIncident, listIncidentOpenTasks } from './queries';
import { executeRotation, NO_BOOTSTRAP, resumeRotation, type RotationDeps } from './rotation';
import { captureProcessOutput } from '@/lib/testing/capture-output';
import { setUpTestDatabase } from '@/lib/testing/suite-database';

const KEY = 'fingerprint-key-for-rotation-tests-0123456789abcdef';
const ENVIRONMENTS = [
  { id: 'main', type: 'production' as const },
  { id: 'staging', type: 'staging' as const },
  { id: 'dev-a', type: 'development' as const },
  { id: 'dev-b', type: 'development' as const },
];
/** Three tokens per machine user: one on production, one on staging and a development environment, one on another. */
const TOKENS = [[ENVIRONMENTS[0]!], [ENVIRONMENTS[1]!, ENVIRONMENTS[2]!], [ENVIRONMENTS[3]!]];

describe.each(TEST_DATABASE_KINDS)('bulk rotation on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let dashboard: PlatformshClient;
  let admin: RequestContext;

  const deps = (extra: Partial<RotationDeps> = {}): RotationDeps => ({ dashboard, clientForToken: (token) => simulatorClient(sim, { apiToken: token }), fingerprintKey: KEY, ...extra });
  const tokensOf = (userId: string) => [...sim.store.apiTokens.values()].filter((token) => token.userId === userId);
  const bootstrapFor = (userId: string) => sim.store.issueApiToken(userId, `bootstrap ${crypto.randomUUID().slice(0, 8)}`, { value: canaryToken() });

  async function plannedRotation(name: string, filter: Record<string, unknown>) {
    const planned = await createIncident(admin, { kind: 'rotation', name, filter });
    if (!planned.ok) throw new Error(planned.error.message);
    expect((await dryRunIncident(admin, { incidentId: planned.data.incidentId }, dashboard)).ok).toBe(true);
    return planned.data.incidentId;
  }

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ faults: true, seed: 'demo', activityDurationMs: 20 });
    sim.faults.setRateLimit({ requestsPerSecond: 120 });
    dashboard = simulatorClient(sim, { requestsPerSecond: 100, timeoutMs: 2_000 });
    admin = contextFor(await createUser(db, { role: 'admin' }));
  });

  afterEach(() => {
    sim.faults.clear();
    sim.store.tokenCreation = 'allowed';
  });

  afterAll(async () => {
    dashboard?.dispose();
    await sim?.stop();
  });

  it('rotates 30 tokens of 10 machine users across 10 projects with faults on: fresh tokens everywhere, old tokens and bootstraps deleted, no value in any sink', async () => {
    const projects = Array.from({ length: 10 }, (_, index) => `rotate-${index + 1}`);
    const seeded = [];
    for (const projectId of projects) {
      await ensureProject(db, sim, projectId, ENVIRONMENTS);
      seeded.push(await seedRotatableMachineUser(db, sim, { projectId, ownerId: admin.actor.id, purpose: 'certificate_renewal', tokens: TOKENS, fingerprintKey: KEY }));
    }
    // The values Platform.sh will mint: canaries, so that every sink can be searched for them.
    const minted = Array.from({ length: 60 }, () => canaryToken());
    sim.store.nextCreatedTokenValues.push(...minted);
    const bootstraps = new Map(seeded.map((entry) => [entry.machineUser.id, bootstrapFor(entry.userId)]));

    const incidentId = await plannedRotation('Yearly rotation', { purpose: 'certificate_renewal' });
    const plan = await getIncident(admin, incidentId);
    expect(plan).toMatchObject({ kind: 'rotation', total: 30, projects: 10, variables: 40 });

    // A bootstrap of another machine user refuses the whole execution: nothing claimed, nothing sent.
    const [first, second] = seeded;
    const swapped = await executeRotation(admin, { incidentId, confirmName: 'Yearly rotation', bootstraps: { [first!.machineUser.id]: bootstraps.get(second!.machineUser.id)!.token } }, deps());
    expect(swapped).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { [`bootstraps.${first!.machineUser.id}`]: [expect.stringMatching(/belongs to/)] } } });
    const wrongName = await executeRotation(admin, { incidentId, confirmName: 'yearly', bootstraps: {} }, deps());
    expect(wrongName).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { confirmName: expect.any(Array) } } });
    expect((await db.incident.findUniqueOrThrow({ where: { id: incidentId } })).status).toBe('planned');
    expect(await db.tokenMint.count({ where: { machineUserId: { in: seeded.map((entry) => entry.machineUser.id) } } })).toBe(0);

    // Faults: failing and lost variable writes, 429s, resets, and one lost mint answer.
    sim.faults.add({ method: 'PATCH', path: '/projects/rotate-2/environments/main/variables/{name}', kind: 'status', status: 503, count: 2 });
    sim.faults.add({ method: 'PATCH', path: '/projects/rotate-3/environments/staging/variables/{name}', kind: 'apply-then-drop', count: 1 });
    sim.faults.add({ method: 'PATCH', path: '/projects/rotate-4/environments/dev-b/variables/{name}', kind: 'too-many-requests', retryAfter: 1, count: 2 });
    sim.faults.add({ method: 'GET', path: '/projects/rotate-5/environments/dev-a/variables/{name}', kind: 'reset', count: 1 });
    sim.faults.add({ method: 'POST', path: `/users/${seeded[5]!.userId}/api-tokens`, kind: 'apply-then-drop', count: 1 });
    sim.faults.add({ method: 'POST', path: '/projects/rotate-7/environments/{environmentId}/redeploy', kind: 'status', status: 500, count: 1 });

    const { output, restore } = captureProcessOutput();
    const control = `ctl${crypto.randomUUID()}`;
    const seq = await lastAuditSeq(db);
    let result;
    try {
      result = await executeRotation(admin, { incidentId, confirmName: 'Yearly rotation', bootstraps: Object.fromEntries([...bootstraps].map(([machineUserId, bootstrap]) => [machineUserId, bootstrap.token])) }, deps());
      logger.info('rotation canary control', { control });
    } finally {
      restore();
    }
    expect(result.ok).toBe(true);
    const report = result.ok ? result.data.report : null;
    expect(report).toMatchObject({ kind: 'rotation', tokens: 30, rotated: 30, notRotated: 0, variablesPlanned: 40, variablesVerified: 40, variablesNotVerified: 0, oldTokensDeleted: 30, bootstrapsDeleted: 10, openTasks: [] });
    expect(report?.groups.every((group) => group.outcome === 'rotated' && group.bootstrapDeleted)).toBe(true);

    for (const entry of seeded) {
      const remaining = tokensOf(entry.userId);
      // On Platform.sh: exactly the three fresh tokens (old ones, bootstrap and any lost mint deleted).
      expect(remaining).toHaveLength(3);
      for (const token of entry.tokens) {
        expect(sim.store.apiTokens.has(token.platformshTokenId)).toBe(false);
        const old = await db.apiToken.findUniqueOrThrow({ where: { id: token.record.id } });
        expect(old).toMatchObject({ status: 'superseded' });
        expect(old.deletedOnPlatformAt).not.toBeNull();
        const fresh = await db.apiToken.findUniqueOrThrow({ where: { id: old.supersededById! } });
        expect(fresh).toMatchObject({ status: 'active', minted: true });
        for (const environment of token.environments) {
          const value = variableValue(sim, entry.machineUser.projectId, environment.id);
          expect(minted).toContain(value);
          expect(remaining.find((candidate) => candidate.token === value)?.id).toBe(fresh.platformshTokenId);
        }
      }
      expect(sim.store.apiTokens.has(bootstraps.get(entry.machineUser.id)!.id)).toBe(false);
      // Every mint journalled is accounted for: recorded and pushed, or deleted.
      const mints = await db.tokenMint.findMany({ where: { machineUserId: entry.machineUser.id } });
      expect(mints.every((mint) => (mint.status === 'minted' && mint.tokenId) || mint.status === 'discarded')).toBe(true);
      expect(mints.every((mint) => mint.bootstrapDeletedAt !== null)).toBe(true);
    }
    const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
    expect(incident.status).toBe('finished');
    const events = await auditEventsSince(db, seq);
    expect(events.filter((event) => event.action === 'incident.report')).toMatchObject([{ outcome: 'succeeded', targetType: 'incident', targetId: incidentId }]);
    expect(events.filter((event) => event.action === 'token.delete_bootstrap' && event.outcome === 'succeeded')).toHaveLength(10);
    // A rotation's report is not a revocation's open task on the Overview.
    expect((await listIncidentOpenTasks(admin)).some((task) => task.incidentId === incidentId)).toBe(false);

    // The canary scan: no minted or bootstrap value in the database, the logs or the answer;
    // the simulator's request log has them (the positive control), and the logger's line was captured.
    const text = await databaseText(db);
    const used = [...minted.filter((value) => sim.requestLog.entries.some((entry) => entry.body.includes(value))), ...[...bootstraps.values()].map((bootstrap) => bootstrap.token)];
    expect(used.length).toBeGreaterThanOrEqual(40);
    for (const value of used) {
      const forms = formsOf(value);
      expect(findIn(text, forms)).toBeUndefined();
      expect(findIn(output.join('\n'), forms)).toBeUndefined();
      expect(findIn(JSON.stringify(result), forms)).toBeUndefined();
    }
    expect(output.join('\n')).toContain(control);
    for (const environment of seeded[0]!.tokens[0]!.environments) {
      const value = variableValue(sim, seeded[0]!.machineUser.projectId, environment.id)!;
      expect(sim.requestLog.entries.some((entry) => findIn(entry.body, formsOf(value)) !== undefined)).toBe(true);
    }
  }, 240_000);

  it('a crash between a mint and its push, then the resume with bootstrap tokens pasted again: every minted token is recorded and pushed, or deleted', async () => {
    await ensureProject(db, sim, 'rotate-crash', ENVIRONMENTS);
    const one = await seedRotatableMachineUser(db, sim, { projectId: 'rotate-crash', ownerId: admin.actor.id, purpose: 'source_operations', tokens: TOKENS.slice(0, 2), fingerprintKey: KEY });
    const two = await seedRotatableMachineUser(db, sim, { projectId: 'rotate-crash', ownerId: admin.actor.id, purpose: 'source_operations', tokens: [[ENVIRONMENTS[3]!]], fingerprintKey: KEY });
    const incidentId = await plannedRotation('Crash and resume', { projectId: 'rotate-crash' });
    const firstBootstraps = new Map([one, two].map((entry) => [entry.machineUser.id, bootstrapFor(entry.userId)]));

    // The process "dies" once the first rotation's minted token is recorded, before its push runs.
    const crash = new AbortController();
    let started = 0;
    const crashed = await executeRotation(
      admin,
      { incidentId, confirmName: 'Crash and resume', bootstraps: Object.fromEntries([...firstBootstraps].map(([machineUserId, bootstrap]) => [machineUserId, bootstrap.token])) },
      deps({
        concurrency: 1,
        signal: crash.signal,
        onRunStarted: () => {
          if (started++ > 0) return;
          crash.abort();
          throw new Error('simulated crash between the mint and the push');
        },
      }),
    );
    expect(crashed).toMatchObject({ ok: true, data: { report: null } });
    const unfinished = await db.apiToken.findFirstOrThrow({ where: { machineUserId: { in: [one.machineUser.id, two.machineUser.id] }, minted: true } });
    expect(unfinished.status).toBe('active');
    expect(sim.store.apiTokens.has(unfinished.platformshTokenId!)).toBe(true);
    const [crashedEntry, otherEntry] = unfinished.machineUserId === one.machineUser.id ? [one, two] : [two, one];
    const firstBootstrap = firstBootstraps.get(crashedEntry.machineUser.id)!;
    // And a second crash's trace: a mint Platform.sh answered whose answer was never recorded.
    const lost = sim.store.issueApiToken(crashedEntry.userId, 'keywarden rotate-crash lost');
    await db.tokenMint.create({ data: { machineUserId: crashedEntry.machineUser.id, name: lost.name, status: 'minted', platformshTokenId: lost.id, bootstrapFingerprint: fingerprintOf(firstBootstrap.token, KEY), bootstrapLastFour: lastFourOf(firstBootstrap.token), bootstrapPlatformshTokenId: firstBootstrap.id, createdAt: new Date(), updatedAt: new Date(Date.now() - INTERRUPTED_AFTER_MS - 1000) } });
    // Time passes: the incident's and the push's heartbeats are stale, the mint journal too.
    const stale = new Date(Date.now() - INTERRUPTED_AFTER_MS - 1000);
    await db.incident.update({ where: { id: incidentId }, data: { heartbeatAt: stale } });
    await db.pushRun.updateMany({ where: { machineUserId: crashedEntry.machineUser.id, status: 'running' }, data: { heartbeatAt: stale } });
    await db.$executeRaw`UPDATE token_mints SET updated_at = ${stale} WHERE machine_user_id = ${crashedEntry.machineUser.id}::uuid`;
    expect((await getIncident(admin, incidentId))?.state).toBe('interrupted');

    // The resume asks for bootstrap tokens again: a fresh one for the crashed machine user, the same for the other.
    const secondBootstrap = bootstrapFor(crashedEntry.userId);
    const otherBootstrap = firstBootstraps.get(otherEntry.machineUser.id)!;
    const resumed = await resumeRotation(admin, { incidentId, bootstraps: { [crashedEntry.machineUser.id]: secondBootstrap.token, [otherEntry.machineUser.id]: otherBootstrap.token } }, deps());
    expect(resumed.ok).toBe(true);
    expect(resumed.ok && resumed.data.report).toMatchObject({ tokens: 3, rotated: 3, notRotated: 0, variablesVerified: 4, oldTokensDeleted: 3, bootstrapsDeleted: 2 });

    for (const entry of [one, two]) {
      const active = await db.apiToken.findMany({ where: { machineUserId: entry.machineUser.id, status: 'active' } });
      expect(active).toHaveLength(entry.tokens.length);
      // On Platform.sh: exactly the active records' tokens — no old, unfinished, lost or bootstrap token.
      expect(tokensOf(entry.userId).map((token) => token.id).sort()).toEqual(active.map((token) => token.platformshTokenId).sort());
      for (const token of entry.tokens) {
        for (const environment of token.environments) expect(active.some((record) => tokensOf(entry.userId).find((remote) => remote.id === record.platformshTokenId)?.token === variableValue(sim, entry.machineUser.projectId, environment.id))).toBe(true);
      }
      const mints = await db.tokenMint.findMany({ where: { machineUserId: entry.machineUser.id } });
      for (const mint of mints) {
        const record = mint.tokenId ? await db.apiToken.findUnique({ where: { id: mint.tokenId } }) : null;
        expect(mint.status === 'discarded' || (mint.status === 'minted' && record?.status === 'active')).toBe(true);
      }
    }
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: unfinished.id } })).toMatchObject({ status: 'superseded' });
    expect(sim.store.apiTokens.has(lost.id)).toBe(false);
    expect(sim.store.apiTokens.has(firstBootstrap.id)).toBe(false);
    expect(sim.store.apiTokens.has(secondBootstrap.id)).toBe(false);
    expect(sim.store.apiTokens.has(otherBootstrap.id)).toBe(false);
  }, 120_000);

  it('a 403 to the mint stops that machine user’s rotation and says why; a machine user without a bootstrap is not rotated — no bootstrap token', async () => {
    await ensureProject(db, sim, 'rotate-refused', ENVIRONMENTS);
    const refused = await seedRotatableMachineUser(db, sim, { projectId: 'rotate-refused', ownerId: admin.actor.id, purpose: 'backups', tokens: TOKENS.slice(0, 2), fingerprintKey: KEY });
    const skipped = await seedRotatableMachineUser(db, sim, { projectId: 'rotate-refused', ownerId: admin.actor.id, purpose: 'backups', tokens: [[ENVIRONMENTS[3]!]], fingerprintKey: KEY });
    const incidentId = await plannedRotation('Refused', { projectId: 'rotate-refused' });
    const bootstrap = bootstrapFor(refused.userId);
    sim.store.tokenCreation = 'refused';
    const before = new Map([...refused.tokens, ...skipped.tokens].flatMap((token) => token.environments.map((environment) => [environment.id, variableValue(sim, 'rotate-refused', environment.id)])));

    const result = await executeRotation(admin, { incidentId, confirmName: 'Refused', bootstraps: { [refused.machineUser.id]: bootstrap.token, [skipped.machineUser.id]: '' } }, deps());
    expect(result.ok).toBe(true);
    const report = result.ok ? result.data.report : null;
    expect(report).toMatchObject({ tokens: 3, rotated: 0, notRotated: 3, oldTokensDeleted: 0 });
    const byUser = new Map(report?.groups.map((group) => [group.machineUserId, group]));
    expect(byUser.get(refused.machineUser.id)).toMatchObject({ outcome: 'stopped', why: expect.stringMatching(/refused to mint.*403/), bootstrapDeleted: true });
    expect(byUser.get(skipped.machineUser.id)).toMatchObject({ outcome: NO_BOOTSTRAP, bootstrapDeleted: false });
    // Never half-done: every environment holds what it held, every old token is active and on Platform.sh.
    for (const [environmentId, value] of before) expect(variableValue(sim, 'rotate-refused', environmentId)).toBe(value);
    for (const token of [...refused.tokens, ...skipped.tokens]) {
      expect(await db.apiToken.findUniqueOrThrow({ where: { id: token.record.id } })).toMatchObject({ status: 'active' });
      expect(sim.store.apiTokens.has(token.platformshTokenId)).toBe(true);
    }
    // The bootstrap is not pushed in place of the refused mint, and it is deleted.
    expect(sim.store.apiTokens.has(bootstrap.id)).toBe(false);
    expect(await db.apiToken.count({ where: { machineUserId: refused.machineUser.id } })).toBe(2);
    const items = await db.incidentItem.findMany({ where: { incidentId } });
    expect(items.filter((item) => item.machineUserId === skipped.machineUser.id).map((item) => item.status)).toEqual(['skipped']);
    expect(items.filter((item) => item.machineUserId === refused.machineUser.id).every((item) => item.status === 'failed' && /403/.test(item.openTasks.join(' ')))).toBe(true);
    expect(await db.incidentItem.count({ where: { incidentId, openTasks: { has: `Not rotated — no bootstrap token was pasted for ${skipped.machineUser.email}. Rotate it from its machine user’s page, or plan another bulk rotation.` } } })).toBe(1);
  }, 120_000);

  it('is for admins: a reviewer is refused the execution and the resume (audited), nothing sent', async () => {
    await ensureProject(db, sim, 'rotate-roles', ENVIRONMENTS);
    const entry = await seedRotatableMachineUser(db, sim, { projectId: 'rotate-roles', ownerId: admin.actor.id, purpose: 'custom', tokens: [[ENVIRONMENTS[0]!]], fingerprintKey: KEY });
    const incidentId = await plannedRotation('Roles', { projectId: 'rotate-roles' });
    const reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    const bootstrap = bootstrapFor(entry.userId);
    const seq = await lastAuditSeq(db);
    const requests = sim.requestLog.entries.length;
    expect(await executeRotation(reviewer, { incidentId, confirmName: 'Roles', bootstraps: { [entry.machineUser.id]: bootstrap.token } }, deps())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await resumeRotation(reviewer, { incidentId, bootstraps: {} }, deps())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(sim.requestLog.entries.length).toBe(requests);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([
      ['incident.execute', 'refused'],
      ['incident.execute', 'refused'],
    ]);
    expect((await db.incident.findUniqueOrThrow({ where: { id: incidentId } })).status).toBe('planned');
  });
});

// Every findings rule against a positive and a negative fixture, on PGlite and PostgreSQL: the
// positive one's subject is reported, the negative one's (the nearest case that is fine) is not.
// A rule registered without fixtures here fails the first test.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { POLICY_DEFAULTS, type Policy } from '@/lib/validations/policy';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import {
  access,
  daysAgo,
  DAY,
  environment,
  keywardenHolding,
  machineUser,
  owner,
  project,
  pushed,
  token,
  variable,
} from '@/lib/testing/findings';
import { evaluateRules } from '../engine';
import { VENDOR_PROFILES, vendorCopy } from '@/lib/vendor';
import { variableSubject } from './sql';
import { RULES } from '.';

const NOW = new Date();

interface Fixture {
  /** Writes rows and returns the subject key the rule must report (positive) or not (negative). */
  positive: (db: Database) => Promise<string>;
  negative: (db: Database) => Promise<string>;
  /** Policy values of the run (defaults otherwise). */
  policy?: Partial<Policy>;
}

const muSubject = (row: { id: string }) => `machine_user:${row.id}`;
const tokenSubject = (row: { id: string }) => `token:${row.id}`;

/** An active machine user (with its own project and owner) and nothing else. */
async function bareMachineUser(db: Database, options: Partial<Parameters<typeof machineUser>[1]> = {}) {
  const projectRow = await project(db);
  const person = await owner(db);
  return machineUser(db, { projectId: projectRow.id, ownerId: person.id, ...options });
}

const FIXTURES: Record<string, Fixture> = {
  'token.compromised_not_deleted': {
    positive: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, status: 'compromised' })),
    negative: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, status: 'compromised', deletedOnPlatformAt: NOW })),
  },
  'variable.not_sensitive': {
    positive: async (db) => {
      const held = await keywardenHolding(db, { variableFlags: { isSensitive: false } });
      return variableSubject(held.projectId, held.environmentId);
    },
    negative: async (db) => {
      const held = await keywardenHolding(db);
      return variableSubject(held.projectId, held.environmentId);
    },
  },
  'token.past_rotate_by': {
    positive: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, rotateBy: daysAgo(NOW, 1) })),
    // Past its date, but no longer active (rotated away): nothing to rotate.
    negative: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, rotateBy: daysAgo(NOW, 1), status: 'superseded' })),
  },
  'token.too_old': {
    policy: { rotationMaxAgeDays: 100 },
    positive: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, remoteCreatedAt: daysAgo(NOW, 101) })),
    negative: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, remoteCreatedAt: daysAgo(NOW, 99), recordedAt: daysAgo(NOW, 200) })),
  },
  'token.unused': {
    policy: { unusedDays: 30 },
    positive: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, lastUsedAt: daysAgo(NOW, 31) })),
    negative: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, lastUsedAt: daysAgo(NOW, 29) })),
  },
  'token.never_used': {
    policy: { neverUsedDays: 14 },
    positive: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, lastUsedAt: null, recordedAt: daysAgo(NOW, 15) })),
    negative: async (db) => tokenSubject(await token(db, { machineUserId: (await bareMachineUser(db)).id, lastUsedAt: null, recordedAt: daysAgo(NOW, 13) })),
  },
  'machine_user.several_active_tokens': {
    positive: async (db) => {
      const machine = await bareMachineUser(db);
      await token(db, { machineUserId: machine.id });
      await token(db, { machineUserId: machine.id });
      return muSubject(machine);
    },
    // One active, one revoked: fine.
    negative: async (db) => {
      const machine = await bareMachineUser(db);
      await token(db, { machineUserId: machine.id });
      await token(db, { machineUserId: machine.id, status: 'revoked' });
      return muSubject(machine);
    },
  },
  'token.made_outside_keywarden': {
    positive: async (db) => {
      const machine = await bareMachineUser(db);
      await db.remoteApiToken.create({ data: { machineUserId: machine.id, platformshTokenId: 'made-in-console', name: 'laptop', mfaOnCreation: false, seenAt: NOW } });
      return `remote_token:${machine.id}:made-in-console`;
    },
    negative: async (db) => {
      const machine = await bareMachineUser(db);
      await token(db, { machineUserId: machine.id, platformshTokenId: 'recorded-one' });
      await db.remoteApiToken.create({ data: { machineUserId: machine.id, platformshTokenId: 'recorded-one', name: 'cron', mfaOnCreation: false, seenAt: NOW } });
      return `remote_token:${machine.id}:recorded-one`;
    },
  },
  'token.environment_not_needed': {
    positive: async (db) => tokenSubject((await keywardenHolding(db, { purpose: 'backups', environmentId: undefined, type: 'development' })).token),
    negative: async (db) => tokenSubject((await keywardenHolding(db, { purpose: 'backups', type: 'production' })).token),
  },
  'variable.not_keywarden': {
    positive: async (db) => {
      const projectRow = await project(db);
      await environment(db, projectRow.id, 'main', 'production');
      await variable(db, { projectId: projectRow.id, environmentId: 'main' });
      return variableSubject(projectRow.id, 'main');
    },
    negative: async (db) => {
      const held = await keywardenHolding(db);
      return variableSubject(held.projectId, held.environmentId);
    },
  },
  'variable.inheritable': {
    positive: async (db) => {
      const projectRow = await project(db);
      await environment(db, projectRow.id, 'main', 'production');
      await environment(db, projectRow.id, 'staging', 'staging', 'main');
      await variable(db, { projectId: projectRow.id, environmentId: 'main', isInheritable: true });
      await variable(db, { projectId: projectRow.id, environmentId: 'staging', isInheritable: true, inherited: true });
      return variableSubject(projectRow.id, 'main');
    },
    // The inherited copy on staging is not a variable of its own: only main's is judged.
    negative: async (db) => {
      const projectRow = await project(db);
      await environment(db, projectRow.id, 'main', 'production');
      await environment(db, projectRow.id, 'staging', 'staging', 'main');
      await variable(db, { projectId: projectRow.id, environmentId: 'staging', isInheritable: true, inherited: true });
      return variableSubject(projectRow.id, 'staging');
    },
  },
  'variable.project_level': {
    positive: async (db) => {
      const projectRow = await project(db);
      await variable(db, { projectId: projectRow.id, environmentId: null });
      return variableSubject(projectRow.id, null);
    },
    negative: async (db) => {
      const held = await keywardenHolding(db);
      return variableSubject(held.projectId, held.environmentId);
    },
  },
  'variable.build_visible': {
    positive: async (db) => {
      const held = await keywardenHolding(db, { visibleBuild: false, variableFlags: { visibleBuild: true } });
      return variableSubject(held.projectId, held.environmentId);
    },
    // Keywarden pushed it visible at build because the person said the job needs it.
    negative: async (db) => {
      const held = await keywardenHolding(db, { visibleBuild: true });
      return variableSubject(held.projectId, held.environmentId);
    },
  },
  'variable.disabled': {
    positive: async (db) => {
      const held = await keywardenHolding(db, { variableFlags: { isEnabled: false } });
      return variableSubject(held.projectId, held.environmentId);
    },
    negative: async (db) => {
      const held = await keywardenHolding(db);
      return variableSubject(held.projectId, held.environmentId);
    },
  },
  'machine_user.shared_address': {
    positive: async (db) => {
      const email = `shared-${Date.now()}-${Math.random().toString(16).slice(2)}@machines.example.com`;
      const first = await bareMachineUser(db, { email });
      await bareMachineUser(db, { email });
      return muSubject(first);
    },
    // The same address on another project, but that machine user was removed.
    negative: async (db) => {
      const email = `retired-${Date.now()}-${Math.random().toString(16).slice(2)}@machines.example.com`;
      const current = await bareMachineUser(db, { email });
      await bareMachineUser(db, { email, state: 'removed', removedAt: daysAgo(NOW, 10) });
      return muSubject(current);
    },
  },
  'machine_user.project_admin': {
    positive: async (db) => muSubject(await bareMachineUser(db, { permissions: ['admin'] })),
    negative: async (db) => muSubject(await bareMachineUser(db, { permissions: ['viewer', 'production:admin'] })),
  },
  'machine_user.role_above_preset': {
    positive: async (db) => muSubject(await bareMachineUser(db, { purpose: 'certificate_renewal', permissions: ['viewer', 'production:admin'] })),
    // Backups' preset is admin on production; viewer elsewhere changes nothing.
    negative: async (db) => muSubject(await bareMachineUser(db, { purpose: 'backups', permissions: ['viewer', 'production:admin', 'staging:viewer'] })),
  },
  'machine_user.invitation_pending': {
    policy: { pendingInvitationDays: 7 },
    positive: async (db) => muSubject(await bareMachineUser(db, { state: 'invited', invitationSentAt: daysAgo(NOW, 8) })),
    negative: async (db) => muSubject(await bareMachineUser(db, { state: 'invited', invitationSentAt: daysAgo(NOW, 6) })),
  },
  'machine_user.owner_unavailable': {
    positive: async (db) => {
      const projectRow = await project(db);
      const person = await owner(db, { role: 'admin', disabled: true });
      return muSubject(await machineUser(db, { projectId: projectRow.id, ownerId: person.id }));
    },
    // An onboarder who is assigned to the project can look after it.
    negative: async (db) => {
      const projectRow = await project(db);
      const person = await owner(db, { role: 'onboarder', projectIds: [projectRow.id] });
      return muSubject(await machineUser(db, { projectId: projectRow.id, ownerId: person.id }));
    },
  },
  'drift.variable': {
    // Keywarden set it; the sync after the push saw it inheritable.
    positive: async (db) => tokenSubject((await keywardenHolding(db, { variableFlags: { isInheritable: true } })).token),
    // The same, but the project was not synced since the push: not judged yet.
    negative: async (db) => {
      const projectRow = await project(db, { syncedAt: daysAgo(NOW, 5) });
      await environment(db, projectRow.id, 'main', 'production');
      return tokenSubject((await keywardenHolding(db, { projectId: projectRow.id, environmentId: 'main', variableFlags: { isInheritable: true } })).token);
    },
  },
  'drift.roles': {
    positive: async (db) => {
      const machine = await bareMachineUser(db, { permissions: ['viewer', 'production:admin'] });
      await access(db, machine.projectId, machine.platformshUserId!, ['viewer', 'production:admin', 'staging:admin']);
      return muSubject(machine);
    },
    // The same permissions in another order.
    negative: async (db) => {
      const machine = await bareMachineUser(db, { permissions: ['viewer', 'production:admin', 'staging:viewer'] });
      await access(db, machine.projectId, machine.platformshUserId!, ['staging:viewer', 'viewer', 'production:admin']);
      return muSubject(machine);
    },
  },
  'drift.membership': {
    // Active, synced after it was accepted, and not in the access list.
    positive: async (db) => muSubject(await bareMachineUser(db, { acceptedAt: daysAgo(NOW, 3) })),
    negative: async (db) => {
      const machine = await bareMachineUser(db, { acceptedAt: daysAgo(NOW, 3) });
      await access(db, machine.projectId, machine.platformshUserId!, machine.permissions);
      return muSubject(machine);
    },
  },
  'access.admin_on_production': {
    policy: { allowHumanAdminOnProduction: false },
    positive: async (db) => {
      const projectRow = await project(db);
      await access(db, projectRow.id, 'human-admin', ['admin']);
      return `access:${projectRow.id}:human-admin`;
    },
    // Keywarden's own backups machine user holds production:admin: that is its job.
    negative: async (db) => {
      const machine = await bareMachineUser(db, { permissions: ['viewer', 'production:admin'] });
      await access(db, machine.projectId, machine.platformshUserId!, machine.permissions);
      return `access:${machine.projectId}:${machine.platformshUserId}`;
    },
  },
  'redeploy.failed': {
    // The push's redeploy failed.
    positive: async (db) => {
      const held = await keywardenHolding(db);
      await redeployed(db, held.projectId, held.environmentId, 'failure');
      return `redeploy:${held.projectId}/${held.environmentId}`;
    },
    // It failed, and a later push redeployed the environment successfully.
    negative: async (db) => {
      const held = await keywardenHolding(db);
      await redeployed(db, held.projectId, held.environmentId, 'failure');
      await pushed(db, { machineUserId: held.machineUser.id, tokenId: held.token.id, projectId: held.projectId, environmentId: held.environmentId, environmentType: 'production', at: NOW });
      await redeployed(db, held.projectId, held.environmentId, 'success', NOW);
      return `redeploy:${held.projectId}/${held.environmentId}`;
    },
  },
};

/** Marks the environment's step (the one set at `at`, else every one) as having started a redeploy that ended so. */
async function redeployed(db: Database, projectId: string, environmentId: string, result: 'success' | 'failure', at?: Date) {
  await db.$executeRaw`UPDATE push_steps SET activity_ids = ARRAY['act-' || left(id::text, 8)], redeploy_state = 'complete', redeploy_result = ${result}, redeploy_percent = 100
    WHERE project_id = ${projectId} AND environment_id = ${environmentId} AND (${at ?? null}::timestamp IS NULL OR updated_at = ${at ?? null}::timestamp)`;
}

describe('the rules and their fixtures', () => {
  it('has a positive and a negative fixture for every registered rule, and none for unknown rules', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });

  it('has unique ids, and words for people on every rule', () => {
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z_]+\.[a-z_]+$/);
      for (const text of [rule.title, vendorCopy(rule.reason, VENDOR_PROFILES.platformsh), vendorCopy(rule.fix, VENDOR_PROFILES.platformsh)]) expect(text.length, rule.id).toBeGreaterThan(10);
    }
  });
});

describe.each(TEST_DATABASE_KINDS)('findings rules on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;

  beforeAll(() => {
    db = database.db;
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s: reports the positive fixture, not the negative one', async (_id, rule) => {
    const fixture = FIXTURES[rule.id]!;
    const policy = { ...POLICY_DEFAULTS, ...fixture.policy };
    const positive = await fixture.positive(db);
    const negative = await fixture.negative(db);
    const hits = await evaluateRules(db, NOW, policy, [rule]);
    const subjects = hits.map((hit) => hit.subjectKey);
    expect(subjects, `${rule.id} should report ${positive}`).toContain(positive);
    expect(subjects, `${rule.id} should not report ${negative}`).not.toContain(negative);
    // Evidence is plain JSON, never a token value (no fingerprints: 64 hex characters).
    const found = hits.find((hit) => hit.subjectKey === positive)!;
    expect(JSON.stringify(found.evidence)).not.toMatch(/[0-9a-f]{64}/);
    expect(found.projectId).toBeTruthy();
  });

  it('the default policy lets other accounts be admin on production; the stricter one reports them', async () => {
    const projectRow = await project(db);
    await access(db, projectRow.id, 'another-admin', ['viewer', 'production:admin']);
    const rule = RULES.find((candidate) => candidate.id === 'access.admin_on_production')!;
    expect((await evaluateRules(db, NOW, POLICY_DEFAULTS, [rule])).map((hit) => hit.subjectKey)).not.toContain(`access:${projectRow.id}:another-admin`);
    const strict = await evaluateRules(db, NOW, { ...POLICY_DEFAULTS, allowHumanAdminOnProduction: false }, [rule]);
    expect(strict.map((hit) => hit.subjectKey)).toContain(`access:${projectRow.id}:another-admin`);
  });

  it('a role above the preset on production is high, elsewhere medium', async () => {
    const onProduction = await bareMachineUser(db, { purpose: 'certificate_renewal', permissions: ['viewer', 'production:admin'] });
    const onStaging = await bareMachineUser(db, { purpose: 'certificate_renewal', permissions: ['viewer', 'production:contributor', 'staging:contributor'] });
    const rule = RULES.find((candidate) => candidate.id === 'machine_user.role_above_preset')!;
    const hits = await evaluateRules(db, NOW, POLICY_DEFAULTS, [rule]);
    expect(hits.find((hit) => hit.subjectKey === muSubject(onProduction))).toMatchObject({ severity: 'high', evidence: { above: ['production:admin'] } });
    expect(hits.find((hit) => hit.subjectKey === muSubject(onStaging))).toMatchObject({ severity: 'medium', evidence: { above: ['staging:contributor'] } });
  });

  it('drift findings carry both sides in words, each with when it was seen', async () => {
    const byRule = async (id: string) => evaluateRules(db, NOW, POLICY_DEFAULTS, [RULES.find((candidate) => candidate.id === id)!]);

    // Roles: approved against what the access list says.
    const approved = await bareMachineUser(db, { permissions: ['production:admin', 'viewer'] });
    await access(db, approved.projectId, approved.platformshUserId!, ['admin']);
    const roles = (await byRule('drift.roles')).find((hit) => hit.subjectKey === muSubject(approved))!;
    expect(roles.evidence.differences).toEqual([
      expect.objectContaining({
        where: null,
        keywarden: 'Keywarden approved: viewer; production: admin',
        platformsh: 'Platform.sh has: admin',
        text: 'Keywarden approved: viewer; production: admin — Platform.sh has: admin',
        keywardenAt: expect.any(String),
        platformshAt: expect.any(String),
      }),
    ]);

    // Variable: what Keywarden set on the environment (the push step's time) against the sync's view.
    const held = await keywardenHolding(db, { type: 'staging', environmentId: undefined, variableFlags: { isSensitive: false, isInheritable: true } });
    const variable = (await byRule('drift.variable')).find((hit) => hit.subjectKey === tokenSubject(held.token))!;
    const step = await db.pushStep.findFirstOrThrow({ where: { projectId: held.projectId, environmentId: held.environmentId } });
    expect(variable.evidence.differences).toEqual([
      expect.objectContaining({
        where: 'main',
        text: 'Keywarden set: sensitive, not inheritable, enabled on main — Platform.sh has: not sensitive, inheritable',
        keywardenAt: step.updatedAt.toISOString(),
      }),
    ]);
    // Gone: said so.
    const gone = await keywardenHolding(db);
    await db.tokenVariable.deleteMany({ where: { projectId: gone.projectId } });
    expect((await byRule('drift.variable')).find((hit) => hit.subjectKey === tokenSubject(gone.token))!.evidence.differences).toEqual([
      expect.objectContaining({ platformsh: 'Platform.sh has: nothing (the variable is gone)' }),
    ]);

    // Membership, removed: the access Keywarden gave, against none.
    const removed = await bareMachineUser(db, { acceptedAt: daysAgo(NOW, 3) });
    const lost = (await byRule('drift.membership')).find((hit) => hit.subjectKey === muSubject(removed))!;
    expect(lost.evidence).toMatchObject({ change: 'removed outside Keywarden', differences: [{ keywarden: 'Keywarden gave access: viewer; production: admin', platformsh: expect.stringMatching(/^Platform.sh has: no access/) }] });
  });

  it('membership drift: a machine user’s account added to another project outside Keywarden, not one Keywarden onboarded there', async () => {
    const rule = RULES.find((candidate) => candidate.id === 'drift.membership')!;
    const machine = await bareMachineUser(db);
    await access(db, machine.projectId, machine.platformshUserId!, machine.permissions);
    const elsewhere = await project(db);
    await access(db, elsewhere.id, machine.platformshUserId!, ['viewer']);
    // The same account onboarded on a third project by Keywarden (an address override): fine.
    const onboarded = await project(db);
    const override = await machineUser(db, { projectId: onboarded.id, ownerId: machine.ownerId, email: machine.email, platformshUserId: machine.platformshUserId });
    await access(db, onboarded.id, machine.platformshUserId!, ['viewer', 'production:admin']);
    const hits = await evaluateRules(db, NOW, POLICY_DEFAULTS, [rule]);
    const added = hits.find((hit) => hit.subjectKey === `account:${elsewhere.id}:${machine.platformshUserId}`);
    // The account's newest record speaks for it.
    expect(added).toMatchObject({ projectId: elsewhere.id, machineUserId: override.id, evidence: { change: 'added to this project outside Keywarden', differences: [{ platformsh: 'Platform.sh has: access here: viewer' }] } });
    expect(hits.map((hit) => hit.subjectKey)).not.toContain(`account:${onboarded.id}:${machine.platformshUserId}`);
    expect(hits.map((hit) => hit.subjectKey)).not.toContain(`account:${machine.projectId}:${machine.platformshUserId}`);
  });

  it('a variable Keywarden cleared (its latest step a delete) and set again by hand counts as not Keywarden’s', async () => {
    const held = await keywardenHolding(db);
    await pushed(db, { machineUserId: held.machineUser.id, tokenId: held.token.id, projectId: held.projectId, environmentId: held.environmentId, environmentType: 'production', operation: 'delete', at: new Date(NOW.getTime() - DAY / 2) });
    const rule = RULES.find((candidate) => candidate.id === 'variable.not_keywarden')!;
    expect((await evaluateRules(db, NOW, POLICY_DEFAULTS, [rule])).map((hit) => hit.subjectKey)).toContain(variableSubject(held.projectId, held.environmentId));
  });
});

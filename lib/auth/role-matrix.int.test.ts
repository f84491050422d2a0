// SECURITY.md A1: every mutation of role-matrix.json replayed with each role's session against a
// real database. 'allow' must succeed and show its change; 'deny' must be refused with every table
// (but the audit log) unchanged and exactly one 'refused' audit row; 'assigned' must succeed on a
// project assigned to the actor and be refused like 'deny' on any other. The matrix is the single
// source: a mutation without a scenario here, or a scenario for an unknown mutation, fails.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOneTimeLink, digestOf, findUsableLink, INVITATION_TTL_MS } from '@/lib/auth/one-time-link';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import {
  assignProjects,
  changeUserRole,
  disableUser,
  enableUser,
  inviteUser,
  reissueInvitation,
} from '@/lib/domain/users';
import { requestInventorySync } from '@/lib/domain/inventory/requests';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { changeMachineUserRoles, manageInvitation, removeMachineUser } from '@/lib/domain/machine-users/manage';
import { recordDashboardAccount, trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { PRESETS, toPermissions } from '@/lib/machine-users/roles';
import type { PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { recordAndPushToken } from '@/lib/domain/tokens/push';
import { confirmOnboardingConfig } from '@/lib/domain/onboarding/confirm';
import { acceptRisk, dateAfter } from '@/lib/domain/findings/accept';
import { updatePolicy } from '@/lib/domain/findings/policy';
import { POLICY_DEFAULTS } from '@/lib/validations/policy';
import { closeCampaign, createCampaign } from '@/lib/domain/reviews/campaigns';
import { completeTask, signOff } from '@/lib/domain/reviews/sign-off';
import type { ActionResult } from '@/lib/errors';
import type { Role } from '@/lib/roles';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createProjects, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { clearSyncJobs, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail, storeInvitations } from '@/lib/testing/machine-users';
import { permissionOf } from '@/lib/audit/actions';
import { createMachineUserRecord } from '@/lib/testing/reviews';
import { createApiKey, revokeApiKey } from '@/lib/domain/api-keys';
import { retryFailedJob } from '@/lib/domain/jobs';
import { getDb } from '@/lib/db';
import { createMailer } from '@/lib/domain/notifications/mailer';
import { updateNotificationSettings, updateOwnPreferences } from '@/lib/domain/notifications/settings';
import { sendDueNotificationsNow } from '@/lib/domain/notifications/dispatch';
import { runNotificationTick } from '@/lib/domain/notifications/tick';
import { createWebhookEndpoint } from '@/lib/domain/notifications/webhooks';
import { NOTIFICATION_CHOICES, NOTIFICATION_EVENTS } from '@/lib/notifications/events';
import { changeOwnPassword } from '@/lib/domain/account-password';
import { createIncident, dryRunIncident } from '@/lib/domain/incidents/plan';
import { executeIncident } from '@/lib/domain/incidents/run';
import { setSandboxRedeploys } from '@/lib/domain/tokens/sandbox-redeploys';
import { setSandboxEndpoint } from '@/lib/platformsh/sandbox-endpoint';
import { startTotpEnrolment, updateSecondFactorPolicy } from '@/lib/domain/second-factor';
import { endOwnSessions, endUserSessions, startSession } from '@/lib/domain/sessions';
import { TEST_PASSWORD } from '@/lib/testing/fixtures';
import { ensureProject, holdsVariable, seedPushedToken } from '@/lib/testing/incidents';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { SECOND_FACTOR_REQUIREMENTS } from '@/lib/validations/second-factor';
import { verifyPassword } from './password';
import { ROLES } from './authorize';
import matrix from './role-matrix.json';

type Rule = 'allow' | 'deny' | 'assigned';
type MatrixRow = Record<Role, Rule> & { mutation: boolean };

const ROWS = matrix.actions as Record<string, MatrixRow>;
const MUTATIONS = Object.keys(ROWS).filter((action) => ROWS[action]?.mutation === true);

const BASE_URL = new URL('https://keys.example.com');
const PROJECTS = ['matrix-a', 'matrix-b'] as const;

interface Prepared {
  input: unknown;
  /** The project the target belongs to: required for an 'assigned' rule. */
  projectId?: string;
  /** Asserts that the call's change is visible in the database. */
  verify: (db: Database, data: unknown) => Promise<void>;
  /**
   * The audited action of an allowed call's own row when the operation is more precise than the
   * permission (cancelling an invitation under machine_user.manage_invitation; lib/audit/actions.ts).
   */
  operation?: string;
  /**
   * Actions of the audit rows an allowed call writes after its own (steps that reach Platform.sh
   * are recorded after the call, each with its row, e.g. the invitation sent after it is recorded).
   */
  followUpAudit?: string[];
}

interface Scenario {
  run: (context: RequestContext, input: unknown) => Promise<ActionResult<unknown>>;
  /** Puts a fresh target in the database and returns valid input for it. */
  prepare: (db: Database) => Promise<Prepared>;
  /**
   * Actions that set a machine user's roles: valid input granting more than an onboarder may
   * (KEYWARDEN_ONBOARDER_GRANTS=preset). Refused for an onboarder even on an assigned project,
   * allowed for an admin.
   */
  prepareAboveGrantLimit?: (db: Database) => Promise<Prepared>;
}

const uniqueEmail = (label: string) => `${label}-${randomBytes(5).toString('hex')}@example.com`;

// The machine-user actions call Platform.sh: one simulator for the file, with the matrix's projects
// in its demo organisation; `client` is replaced per database and closed over by the scenarios.
let sim: RunningSimulator;
let client: PlatformshClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo' });
  for (const id of PROJECTS) sim.store.addProject({ id, organizationId: sim.demo!.organizationId, title: `Project ${id}`, region: 'eu-5.platform.sh' });
});

afterAll(async () => {
  await sim?.stop();
});

let nextProject = 0;
/** The matrix's projects in turn, so that 'assigned' is checked on each of them. */
const someProject = () => PROJECTS[nextProject++ % PROJECTS.length]!;
const OVERRIDE_REASON = 'Role matrix replay: a fresh target next to earlier ones.';

/** A fresh invited machine user, created by an admin (with an override reason, as targets pile up per project). */
async function invitedMachineUser(db: Database) {
  const projectId = someProject();
  const admin = contextFor(await createUser(db, { role: 'admin' }));
  const result = await inviteMachineUser(admin, inviteInput({ projectId, ownerId: admin.actor.id, overrideReason: OVERRIDE_REASON }), client);
  if (!result.ok || result.data.outcome !== 'invited') throw new Error(`could not prepare a machine user: ${JSON.stringify(result)}`);
  return db.machineUser.findUniqueOrThrow({ where: { id: result.data.machineUserId } });
}

function tokenFromUrl(url: unknown): string {
  expect(typeof url).toBe('string');
  const match = /\/invite\/([^/?#]+)$/.exec(String(url));
  expect(match, `not an invitation URL: ${String(url)}`).not.toBeNull();
  return match![1]!;
}

/** The API-key digest key of these replays (any key: the digest is only compared with itself). */
const API_KEY_DIGEST_KEY = 'role-matrix-api-key-digest-key-0123456789abcdef';

const SCENARIOS: Record<string, Scenario> = {
  'api_key.manage': {
    // Managing one's own keys; the replay creates one (revoking one's own is in lib/api/api.int.test.ts).
    run: (context, input) => createApiKey(context, input, API_KEY_DIGEST_KEY),
    prepare: async () => {
      const name = `matrix key ${randomBytes(4).toString('hex')}`;
      return {
        input: { name, expires_in_days: 30 },
        operation: 'api_key.create',
        verify: async (db, data) => {
          const row = await db.apiKey.findFirstOrThrow({ where: { name } });
          expect(row.revokedAt).toBeNull();
          expect((data as { apiKey: { id: string } }).apiKey.id).toBe(row.id);
        },
      };
    },
  },
  'api_key.revoke_any': {
    // Another user's key: only an admin may revoke it.
    run: revokeApiKey,
    prepare: async (db) => {
      const owner = await createUser(db, { role: 'reviewer' });
      const created = await createApiKey(contextFor(owner), { name: 'matrix: someone else’s key', expires_in_days: 30 }, API_KEY_DIGEST_KEY);
      if (!created.ok) throw new Error(`could not prepare an API key: ${JSON.stringify(created)}`);
      const keyId = created.data.apiKey.id;
      return {
        input: { keyId },
        verify: async (db) => {
          expect((await db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).revokedAt).not.toBeNull();
        },
      };
    },
  },
  'user.invite': {
    run: (context, input) => inviteUser(context, input, BASE_URL),
    prepare: async () => {
      const email = uniqueEmail('invitee');
      return {
        input: { email, name: 'Invited Person', role: 'onboarder', projectIds: [PROJECTS[0]] },
        verify: async (db, data) => {
          const user = await db.user.findUniqueOrThrow({ where: { email }, include: { projectAssignments: true } });
          expect(user).toMatchObject({ role: 'onboarder', name: 'Invited Person', passwordHash: null, disabledAt: null });
          expect(user.projectAssignments.map((assignment) => assignment.projectId)).toEqual([PROJECTS[0]]);
          const link = await findUsableLink(db, tokenFromUrl((data as { url: string }).url), 'invitation');
          expect(link?.userId).toBe(user.id);
        },
      };
    },
  },
  'user.reissue_invitation': {
    run: (context, input) => reissueInvitation(context, input, BASE_URL),
    prepare: async (db) => {
      const user = await createUser(db, { role: 'reviewer', activated: false });
      const previous = await createOneTimeLink(db, 'invitation', INVITATION_TTL_MS, user.id);
      return {
        input: { userId: user.id },
        verify: async (db, data) => {
          expect(await findUsableLink(db, previous.token, 'invitation')).toBeNull();
          expect((await db.oneTimeLink.findUniqueOrThrow({ where: { tokenHash: digestOf(previous.token) } })).usedAt).not.toBeNull();
          const link = await findUsableLink(db, tokenFromUrl((data as { url: string }).url), 'invitation');
          expect(link?.userId).toBe(user.id);
        },
      };
    },
  },
  'user.change_role': {
    run: changeUserRole,
    prepare: async (db) => {
      const user = await createUser(db, { role: 'reviewer' });
      return {
        input: { userId: user.id, role: 'onboarder' },
        verify: async (db) => {
          const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
          expect(after.role).toBe('onboarder');
          expect(after.sessionVersion).toBe(user.sessionVersion + 1);
        },
      };
    },
  },
  'user.assign_projects': {
    run: assignProjects,
    prepare: async (db) => {
      const user = await createUser(db, { role: 'onboarder', projectIds: [PROJECTS[0]] });
      return {
        input: { userId: user.id, projectIds: [PROJECTS[1]] },
        verify: async (db) => {
          const rows = await db.projectAssignment.findMany({ where: { userId: user.id } });
          expect(rows.map((row) => row.projectId)).toEqual([PROJECTS[1]]);
        },
      };
    },
  },
  'user.disable': {
    run: disableUser,
    prepare: async (db) => {
      const user = await createUser(db, { role: 'reviewer' });
      return {
        input: { userId: user.id },
        verify: async (db) => {
          const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
          expect(after.disabledAt).not.toBeNull();
          expect(after.sessionVersion).toBe(user.sessionVersion + 1);
        },
      };
    },
  },
  'user.enable': {
    run: enableUser,
    prepare: async (db) => {
      const user = await createUser(db, { role: 'reviewer', disabled: true });
      return {
        input: { userId: user.id },
        verify: async (db) => {
          const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
          expect(after.disabledAt).toBeNull();
          expect(after.sessionVersion).toBe(user.sessionVersion + 1);
        },
      };
    },
  },
  'inventory.sync': {
    run: requestInventorySync,
    prepare: async (db) => {
      // One run at a time: a previous scenario's run stays live while its job waits (nothing works
      // the queue here); removing the job lets the next request close it and begin its own.
      await clearSyncJobs(db);
      const before = await db.syncRun.count();
      return {
        input: { full: true },
        verify: async (db, data) => {
          expect(await db.syncRun.count()).toBe(before + 1);
          const run = await db.syncRun.findUniqueOrThrow({ where: { id: (data as { runId: string }).runId } });
          expect(run).toMatchObject({ status: 'running', trigger: 'manual', full: true });
          // Its job waits in the queue, carrying the run and no secret.
          const jobs = await db.$queryRaw<{ data: unknown }[]>`SELECT data FROM pgboss.job WHERE name = 'inventory-sync' AND id = ${run.jobId}::uuid AND state = 'created'`;
          expect(jobs.map((job) => job.data)).toEqual([{ runId: run.id, full: true, requestedById: run.requestedById }]);
        },
      };
    },
  },
  'jobs.retry': {
    run: retryFailedJob,
    prepare: async (db) => {
      // A job that failed after its retries, as pg-boss leaves it (nothing works the queue here).
      const [job] = await db.$queryRaw<{ id: string }[]>`
        INSERT INTO pgboss.job (name, data, state, retry_limit, retry_count, completed_on, output, policy)
        VALUES ('findings-recompute', '{}', 'failed', 3, 3, now(), '{"message": "role matrix replay"}', 'short')
        RETURNING id::text`;
      return {
        input: { queue: 'findings-recompute', jobId: job!.id },
        verify: async (db) => {
          const [after] = await db.$queryRaw<{ state: string; retry_limit: number }[]>`SELECT state::text, retry_limit FROM pgboss.job WHERE id = ${job!.id}::uuid`;
          expect(after).toEqual({ state: 'retry', retry_limit: 4 });
        },
      };
    },
  },
  'machine_user.invite': {
    run: (context, input) => inviteMachineUser(context, input, client),
    prepare: async (db) => {
      const projectId = someProject();
      // Without an override: earlier machine users of this project and purpose are retired first.
      await db.machineUser.updateMany({ where: { projectId, purpose: 'custom' }, data: { state: 'removed', removedAt: new Date() } });
      const owner = await createUser(db, { role: 'onboarder' });
      const email = machineEmail('matrix');
      return {
        input: inviteInput({ projectId, purpose: 'custom', email, ownerId: owner.id }),
        projectId,
        followUpAudit: ['machine_user.invite'],
        verify: async (db, data) => {
          expect(data).toMatchObject({ outcome: 'invited' });
          const invitations = storeInvitations(sim, projectId, email);
          expect(invitations).toHaveLength(1);
          const row = await db.machineUser.findUniqueOrThrow({ where: { id: (data as { machineUserId: string }).machineUserId } });
          expect(row).toMatchObject({ projectId, email, purpose: 'custom', state: 'invited', ownerId: owner.id, invitationId: invitations[0]!.id, permissions: ['viewer'] });
        },
      };
    },
    prepareAboveGrantLimit: async (db) => {
      const projectId = someProject();
      const owner = await createUser(db, { role: 'onboarder' });
      const email = machineEmail('matrix-above');
      // Admin on production for Custom: above the onboarder's limit (viewer there).
      const roles = { projectRole: 'viewer', environments: { production: 'admin', staging: 'none', development: 'none' } };
      return {
        input: { ...inviteInput({ projectId, purpose: 'custom', email, ownerId: owner.id, overrideReason: OVERRIDE_REASON }), roles },
        projectId,
        followUpAudit: ['machine_user.invite'],
        verify: async () => {
          expect(storeInvitations(sim, projectId, email)).toMatchObject([{ role: 'viewer', environmentRoles: [{ type: 'production', role: 'admin' }] }]);
        },
      };
    },
  },
  'machine_user.change_roles': {
    run: (context, input) => changeMachineUserRoles(context, input, client),
    prepare: async (db) => {
      const before = await invitedMachineUser(db);
      return {
        input: { machineUserId: before.id, roles: PRESETS.ci_tests.roles },
        projectId: before.projectId,
        // Not accepted yet: the change is a new invitation with the new roles.
        followUpAudit: ['machine_user.invite'],
        verify: async (db) => {
          const after = await db.machineUser.findUniqueOrThrow({ where: { id: before.id } });
          expect(after.permissions).toEqual(toPermissions(PRESETS.ci_tests.roles));
          expect(after.invitationId).not.toBe(before.invitationId);
          expect(storeInvitations(sim, before.projectId, before.email).map((invitation) => [invitation.id, invitation.state])).toEqual([
            [before.invitationId, 'cancelled'],
            [after.invitationId, 'pending'],
          ]);
        },
      };
    },
    prepareAboveGrantLimit: async (db) => {
      const before = await invitedMachineUser(db);
      // Backups' limit: admin on production, viewer elsewhere; contributor on staging is above it.
      const roles = { projectRole: 'viewer', environments: { production: 'admin', staging: 'contributor', development: 'none' } };
      return {
        input: { machineUserId: before.id, roles },
        projectId: before.projectId,
        followUpAudit: ['machine_user.invite'],
        verify: async (db) => {
          expect((await db.machineUser.findUniqueOrThrow({ where: { id: before.id } })).permissions).toEqual(['viewer', 'production:admin', 'staging:contributor']);
        },
      };
    },
  },
  'machine_user.manage_invitation': {
    run: (context, input) => manageInvitation(context, input, client),
    prepare: async (db) => {
      const before = await invitedMachineUser(db);
      return {
        input: { machineUserId: before.id, operation: 'cancel' },
        projectId: before.projectId,
        operation: 'machine_user.cancel_invitation',
        followUpAudit: ['machine_user.cancel_invitation'],
        verify: async (db) => {
          expect(await db.machineUser.findUniqueOrThrow({ where: { id: before.id } })).toMatchObject({ state: 'cancelled', invitationState: 'cancelled' });
          expect(storeInvitations(sim, before.projectId, before.email).map((invitation) => invitation.state)).toEqual(['cancelled']);
        },
      };
    },
  },
  'machine_user.remove': {
    run: (context, input) => removeMachineUser(context, input, { dashboard: client, clientForToken: (apiToken) => simulatorClient(sim, { apiToken }), fingerprintKey: 'role-matrix-fingerprint-key-0123456789abcdef' }),
    prepare: async (db) => {
      const before = await invitedMachineUser(db);
      return {
        input: { machineUserId: before.id, confirmEmail: before.email },
        projectId: before.projectId,
        followUpAudit: ['machine_user.remove'],
        verify: async (db) => {
          const after = await db.machineUser.findUniqueOrThrow({ where: { id: before.id } });
          expect(after.state).toBe('removed');
          expect(after.removedAt).not.toBeNull();
          expect(storeInvitations(sim, before.projectId, before.email).map((invitation) => invitation.state)).toEqual(['cancelled']);
        },
      };
    },
  },
  'token.record': {
    run: (context, input) =>
      recordAndPushToken(context, input, { dashboard: client, clientForToken: (apiToken) => simulatorClient(sim, { apiToken }), fingerprintKey: 'role-matrix-fingerprint-key-0123456789abcdef' }),
    prepare: async (db) => {
      // An accepted machine user, a token of its own, and an environment no earlier scenario pushed to.
      const machineUser = await invitedMachineUser(db);
      const accepted = await acceptInvitation(sim, machineUser.invitationId!);
      await trackMachineUsers(db, client, machineUser.projectId);
      const environmentId = `matrix-${randomBytes(4).toString('hex')}`;
      sim.store.addEnvironment(machineUser.projectId, { id: environmentId, title: environmentId, type: 'development', createdAt: new Date().toISOString() });
      await db.environment.create({ data: { projectId: machineUser.projectId, id: environmentId, name: environmentId, title: environmentId, type: 'development', status: 'active' } });
      const token = sim.store.issueApiToken(accepted.user_id, 'matrix').token;
      return {
        input: { machineUserId: machineUser.id, runId: randomUUID(), token, name: 'matrix', environmentIds: [environmentId] },
        projectId: machineUser.projectId,
        followUpAudit: ['token.push'],
        verify: async (db) => {
          expect(await db.apiToken.count({ where: { machineUserId: machineUser.id, status: 'active' } })).toBe(1);
          expect(sim.store.projects.get(machineUser.projectId)!.environments.get(environmentId)!.variables.get('env:PLATFORMSH_CLI_TOKEN')?.value).toBe(token);
        },
      };
    },
  },
  'token.choose_minting': {
    // An admin's choice against the policy (off here): record a token, minting the one pushed (issue 18.2).
    run: (context, input) =>
      recordAndPushToken(context, input, { dashboard: client, clientForToken: (apiToken) => simulatorClient(sim, { apiToken }), fingerprintKey: 'role-matrix-fingerprint-key-0123456789abcdef' }),
    prepare: async (db) => {
      const machineUser = await invitedMachineUser(db);
      const accepted = await acceptInvitation(sim, machineUser.invitationId!);
      await trackMachineUsers(db, client, machineUser.projectId);
      const environmentId = `matrix-${randomBytes(4).toString('hex')}`;
      sim.store.addEnvironment(machineUser.projectId, { id: environmentId, title: environmentId, type: 'development', createdAt: new Date().toISOString() });
      await db.environment.create({ data: { projectId: machineUser.projectId, id: environmentId, name: environmentId, title: environmentId, type: 'development', status: 'active' } });
      const token = sim.store.issueApiToken(accepted.user_id, 'matrix bootstrap').token;
      return {
        input: { machineUserId: machineUser.id, runId: randomUUID(), token, name: 'matrix', environmentIds: [environmentId], mint: 'mint' },
        projectId: machineUser.projectId,
        followUpAudit: ['token.mint', 'token.record', 'token.push', 'token.delete_bootstrap'],
        verify: async (db) => {
          expect(await db.apiToken.findFirstOrThrow({ where: { machineUserId: machineUser.id, status: 'active' } })).toMatchObject({ minted: true });
          const pushed = sim.store.projects.get(machineUser.projectId)!.environments.get(environmentId)!.variables.get('env:PLATFORMSH_CLI_TOKEN')?.value;
          expect(pushed).toBeDefined();
          expect(pushed).not.toBe(token);
        },
      };
    },
  },
  'onboarding.confirm_config': {
    run: confirmOnboardingConfig,
    prepare: async () => {
      const projectId = someProject();
      // A note of its own, so that the confirmation this call adds is told apart from earlier ones.
      const note = `cron and build hook deployed (matrix ${randomBytes(4).toString('hex')})`;
      return {
        input: { projectId, note },
        projectId,
        verify: async (db) => {
          const rows = await db.onboardingConfirmation.findMany({ where: { projectId, note } });
          expect(rows).toHaveLength(1);
        },
      };
    },
  },
  'finding.accept_risk': {
    run: acceptRisk,
    prepare: async (db) => {
      const now = new Date();
      const finding = await db.finding.create({
        data: { ruleId: 'token.past_rotate_by', subjectKey: `token:${randomUUID()}`, severity: 'high', evidence: {}, firstSeenAt: now, lastSeenAt: now },
      });
      const until = dateAfter(now, 7);
      return {
        input: { findingId: finding.id, reason: 'Accepted by the role-matrix replay.', until },
        verify: async (db) => {
          expect(await db.finding.findUniqueOrThrow({ where: { id: finding.id } })).toMatchObject({ acceptedUntil: new Date(`${until}T00:00:00.000Z`), acceptedReason: 'Accepted by the role-matrix replay.' });
        },
      };
    },
  },
  'policy.update': {
    run: updatePolicy,
    prepare: async () => {
      // A value of its own, so that this call's change is told apart from earlier ones.
      const rotationMaxAgeDays = 100 + Math.floor(Math.random() * 3000);
      return {
        input: { ...POLICY_DEFAULTS, rotationMaxAgeDays },
        verify: async (db) => {
          expect((await db.organisationPolicy.findUniqueOrThrow({ where: { id: 1 } })).values).toMatchObject({ rotationMaxAgeDays });
        },
      };
    },
  },
};

/**
 * A new open campaign over one of the matrix's projects, started by an admin, with at least one
 * item (a machine user written for it, owned by that admin: the actors of the replay own nothing).
 */
async function openCampaign(db: Database) {
  const projectId = someProject();
  const admin = contextFor(await createUser(db, { role: 'admin' }));
  const { machineUser } = await createMachineUserRecord(db, { projectId, ownerId: admin.actor.id });
  const dueOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const result = await createCampaign(admin, { name: `Matrix ${randomBytes(5).toString('hex')}`, dueOn, scope: 'projects', projectIds: [projectId] });
  if (!result.ok) throw new Error(`could not prepare a campaign: ${JSON.stringify(result)}`);
  const item = await db.reviewItem.findUniqueOrThrow({ where: { campaignId_machineUserId: { campaignId: result.data.campaignId, machineUserId: machineUser.id } } });
  return { admin, campaignId: result.data.campaignId, item };
}

const CAMPAIGN_SCENARIOS: Record<string, Scenario> = {
  'campaign.create': {
    run: createCampaign,
    prepare: async () => {
      const name = `Matrix ${randomBytes(5).toString('hex')}`;
      const projectId = someProject();
      return {
        input: { name, dueOn: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), scope: 'projects', projectIds: [projectId] },
        verify: async (db, data) => {
          const campaign = await db.reviewCampaign.findUniqueOrThrow({ where: { name } });
          expect(campaign).toMatchObject({ id: (data as { campaignId: string }).campaignId, state: 'open', allProjects: false, projectIds: [projectId] });
          const inScope = await db.machineUser.count({ where: { projectId, state: { in: ['invited', 'active', 'expired', 'error'] } } });
          expect(await db.reviewItem.count({ where: { campaignId: campaign.id } })).toBe(inScope);
        },
      };
    },
  },
  'campaign.sign_off': {
    run: signOff,
    prepare: async (db) => {
      const { item } = await openCampaign(db);
      const note = `Matrix: viewer is enough (${randomBytes(4).toString('hex')})`;
      return {
        input: { itemId: item.id, decision: 'change', note },
        verify: async (db) => {
          expect(await db.reviewDecision.findUniqueOrThrow({ where: { itemId: item.id } })).toMatchObject({ kind: 'change', note });
          expect(await db.reviewTask.findUniqueOrThrow({ where: { itemId: item.id } })).toMatchObject({ kind: 'change', note, doneAt: null });
        },
      };
    },
  },
  'campaign.close': {
    run: closeCampaign,
    prepare: async (db) => {
      const { campaignId } = await openCampaign(db);
      return {
        input: { campaignId, confirm: 'yes' },
        verify: async (db) => {
          const campaign = await db.reviewCampaign.findUniqueOrThrow({ where: { id: campaignId } });
          expect(campaign.state).toBe('closed');
          expect(campaign.closedAt).not.toBeNull();
        },
      };
    },
  },
  'campaign.complete_task': {
    run: completeTask,
    prepare: async (db) => {
      const { item } = await openCampaign(db);
      const reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
      const decided = await signOff(reviewer, { itemId: item.id, decision: 'remove', note: 'Matrix: unused, remove it.' });
      if (!decided.ok) throw new Error(`could not prepare a task: ${JSON.stringify(decided)}`);
      return {
        input: { itemId: item.id },
        verify: async (db) => {
          expect((await db.reviewTask.findUniqueOrThrow({ where: { itemId: item.id } })).doneAt).not.toBeNull();
        },
      };
    },
  },
};

/** The sandbox mailbox of the test database (what the sandbox's "Send due reminders now" sends to). */
const sandboxMailer = () => createMailer({ transport: 'sandbox-mailbox', from: 'Keywarden <keywarden@keys.example.com>' }, getDb());

const NOTIFICATION_SCENARIOS: Record<string, Scenario> = {
  'notification.manage': {
    // Each user's own preferences: a fresh actor has none, so the call writes one row per event.
    run: updateOwnPreferences,
    prepare: async (db) => {
      const before = await db.notificationPreference.count();
      const choices = Object.fromEntries(NOTIFICATION_EVENTS.map((event, index) => [event, NOTIFICATION_CHOICES[index % NOTIFICATION_CHOICES.length]]));
      return {
        input: { choices },
        operation: 'notification.update_preferences',
        verify: async (db) => {
          expect(await db.notificationPreference.count()).toBe(before + NOTIFICATION_EVENTS.length);
        },
      };
    },
  },
  'notification.manage_defaults': {
    run: updateNotificationSettings,
    prepare: async () => {
      // A value of its own, so that this call's change is told apart from earlier ones.
      const farthest = 4 + Math.floor(Math.random() * 360);
      return {
        input: { reminderDays: `${farthest}, 3`, defaults: Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, 'email'])) },
        verify: async (db) => {
          expect((await db.notificationSettings.findUniqueOrThrow({ where: { id: 1 } })).values).toMatchObject({ reminderDays: [farthest, 3] });
        },
      };
    },
  },
  'notification.send_due': {
    run: (context, input) => sendDueNotificationsNow(context, input, { mailer: sandboxMailer(), publicUrl: BASE_URL }),
    prepare: async (db) => {
      // Whatever earlier scenarios made due is sent first (and no webhook endpoint of theirs hears of
      // it); then one token of a fresh owner is due tomorrow. Only rotation reminders are on, at the
      // default days (notification.manage_defaults replays other days): the replaying admin, new,
      // would otherwise hear of every admin-wide event earlier scenarios left (a failed sync, …).
      await db.webhookEndpoint.deleteMany();
      const values = { defaults: Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, event === 'rotation_due_soon' ? 'email' : 'none'])) };
      await db.notificationSettings.upsert({ where: { id: 1 }, create: { id: 1, values }, update: { values } });
      await runNotificationTick(db, { mailer: sandboxMailer(), publicUrl: BASE_URL });
      // An owner with no project and no admin role: the reminder is the one thing it is sent (an
      // admin would also hear of every admin-wide event earlier scenarios left, new to it).
      const owner = await createUser(db, { role: 'onboarder', projectIds: [] });
      const { machineUser } = await createMachineUserRecord(db, { projectId: someProject(), ownerId: owner.id, withToken: true });
      await db.apiToken.updateMany({ where: { machineUserId: machineUser.id }, data: { rotateBy: new Date(Date.now() + 86_400_000) } });
      return {
        input: {},
        followUpAudit: ['notification.email_sent'],
        verify: async (db) => {
          expect(await db.sandboxMail.count({ where: { to: owner.email } })).toBe(1);
          expect(await db.notification.count({ where: { userId: owner.id, event: 'rotation_due_soon' } })).toBe(1);
        },
      };
    },
  },
  'webhook.manage': {
    // Registering an endpoint (deleting one and the test event are in webhooks.int.test.ts). A
    // loopback target, allowed: the address is checked, nothing is sent.
    run: createWebhookEndpoint,
    prepare: async (db) => {
      const path = `/matrix-${randomBytes(4).toString('hex')}`;
      const before = await db.webhookEndpoint.count();
      return {
        input: { url: `http://127.0.0.1:9${path}`, events: ['finding_high'], allowPrivate: true },
        operation: 'webhook.create',
        verify: async (db, data) => {
          expect(await db.webhookEndpoint.count()).toBe(before + 1);
          const row = await db.webhookEndpoint.findFirstOrThrow({ where: { url: `http://127.0.0.1:9${path}` } });
          expect((data as { endpointId: string; secret: string }).secret).toBe(row.secret);
        },
      };
    },
  },
};

/** A live session of `userId`, as a sign-in would start it. */
const sessionOf = (db: Database, userId: string) => startSession(db, userId, { maxAgeSeconds: 3600, clientAddress: '127.0.0.1', userAgent: 'matrix', userVersion: 1 });

/** The Account page (each user's own password and sessions) and an admin ending someone's sessions. */
const ACCOUNT_SCENARIOS: Record<string, Scenario> = {
  'account.change_password': {
    // The caller's own password (fixtures give every user TEST_PASSWORD).
    run: changeOwnPassword,
    prepare: async () => {
      const password = `matrix passphrase ${randomBytes(6).toString('hex')}`;
      return {
        input: { currentPassword: TEST_PASSWORD, password, confirmPassword: password },
        verify: async (db) => {
          const event = await db.auditEvent.findFirstOrThrow({ where: { action: 'account.change_password', outcome: 'succeeded' }, orderBy: { seq: 'desc' } });
          const user = await db.user.findUniqueOrThrow({ where: { id: event.actorId! } });
          expect(await verifyPassword(user.passwordHash, password)).toBe(true);
        },
      };
    },
  },
  'account.end_sessions': {
    // The caller signed in twice: ending the other sessions from one ends exactly the other one.
    run: async (context, input) => {
      const current = await sessionOf(getDb(), context.actor.id);
      await sessionOf(getDb(), context.actor.id);
      return endOwnSessions({ ...context, sessionId: current }, input);
    },
    prepare: async () => ({
      input: { scope: 'others' },
      operation: 'account.end_other_sessions',
      verify: async (_db, data) => {
        expect(data).toEqual({ ended: 1 });
      },
    }),
  },
  'user.end_sessions': {
    run: endUserSessions,
    prepare: async (db) => {
      const user = await createUser(db, { role: 'reviewer' });
      await sessionOf(db, user.id);
      await sessionOf(db, user.id);
      return {
        input: { userId: user.id },
        operation: 'user.end_all_sessions',
        verify: async (db, data) => {
          expect(data).toEqual({ ended: 2 });
          expect(await db.session.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
        },
      };
    },
  },
};

/** Second factors (issue 20): each user's own enrolment, and the organisation's requirement. */
const SECOND_FACTOR_SCENARIOS: Record<string, Scenario> = {
  'second_factor.manage': {
    // Starting an enrolment writes the actor's unconfirmed authenticator (confirming needs the
    // app's code: lib/domain/second-factor.int.test.ts).
    run: (context, input) => startTotpEnrolment(context, input, 'matrix-second-factor-key-0123456789abcdef'),
    prepare: async (db) => {
      const before = await db.secondFactor.count({ where: { confirmedAt: null } });
      return {
        input: {},
        operation: 'second_factor.start_enrolment',
        verify: async (db) => {
          expect(await db.secondFactor.count({ where: { confirmedAt: null } })).toBe(before + 1);
        },
      };
    },
  },
  'second_factor.set_policy': {
    run: updateSecondFactorPolicy,
    prepare: async (db) => {
      // A value other than the one in force, so that this call's change is seen.
      const current = (await db.organisationPolicy.findUnique({ where: { id: 1 } }))?.secondFactorRequiredFor ?? 'admins';
      const requiredFor = SECOND_FACTOR_REQUIREMENTS.find((value) => value !== current)!;
      return {
        input: { requiredFor },
        verify: async (db) => {
          expect((await db.organisationPolicy.findUniqueOrThrow({ where: { id: 1 } })).secondFactorRequiredFor).toBe(requiredFor);
        },
      };
    },
  },
};

/** Incident response (issue 18.3): the background runs a replayed execution starts, awaited by its verify. */
const incidentRuns: Promise<void>[] = [];
const INCIDENT_ENVIRONMENTS = [{ id: 'main', type: 'production' as const }];

/** A fresh project of its own with one token on its production (so that a plan selects exactly it). */
async function incidentTarget(db: Database, options: { deletedOnPlatform?: boolean } = {}) {
  const projectId = `incident-${randomBytes(4).toString('hex')}`;
  await ensureProject(db, sim, projectId, INCIDENT_ENVIRONMENTS);
  const owner = await createUser(db, { role: 'admin' });
  const { token } = await seedPushedToken(db, sim, { projectId, ownerId: owner.id, environments: INCIDENT_ENVIRONMENTS, deletedOnPlatform: options.deletedOnPlatform });
  return { projectId, token, admin: contextFor(owner) };
}

const INCIDENT_SCENARIOS: Record<string, Scenario> = {
  'incident.plan': {
    run: createIncident,
    prepare: async (db) => {
      const { projectId, token } = await incidentTarget(db);
      const name = `Matrix incident ${randomBytes(4).toString('hex')}`;
      return {
        input: { name, filter: { projectId } },
        operation: 'incident.create',
        verify: async (db, data) => {
          const incident = await db.incident.findFirstOrThrow({ where: { name }, include: { items: true } });
          expect(incident.id).toBe((data as { incidentId: string }).incidentId);
          expect(incident.items.map((item) => item.tokenId)).toEqual([token.id]);
        },
      };
    },
  },
  'incident.execute': {
    // The replayed execution runs to its report (awaited in verify). The token was already deleted on
    // Platform.sh, so that the run leaves no open task and every row it writes is a success.
    run: (context, input) =>
      executeIncident(context, input, {
        dashboard: client,
        clientForToken: (token) => simulatorClient(sim, { apiToken: token }),
        fingerprintKey: 'role-matrix-fingerprint-key-0123456789abcdefghij',
        schedule: (work) => incidentRuns.push(work()),
      }),
    prepare: async (db) => {
      const { projectId, admin } = await incidentTarget(db, { deletedOnPlatform: true });
      const name = `Matrix incident ${randomBytes(4).toString('hex')}`;
      const planned = await createIncident(admin, { name, filter: { projectId } });
      if (!planned.ok) throw new Error(`could not plan an incident: ${JSON.stringify(planned)}`);
      const dry = await dryRunIncident(admin, { incidentId: planned.data.incidentId }, client);
      if (!dry.ok) throw new Error(`could not dry-run an incident: ${JSON.stringify(dry)}`);
      return {
        input: { incidentId: planned.data.incidentId, confirmName: name },
        followUpAudit: ['token.compromise', 'token.finish_revocation', 'incident.report'],
        verify: async (db) => {
          await Promise.all(incidentRuns.splice(0));
          expect(await db.incident.findUniqueOrThrow({ where: { id: planned.data.incidentId } })).toMatchObject({ status: 'finished' });
          expect(holdsVariable(sim, projectId, 'main')).toBe(false);
        },
      };
    },
  },
};

// Sandbox mode's switch that makes a project's redeploys fail (issue 20 §2), on the file's simulator.
const SANDBOX_SCENARIOS: Record<string, Scenario> = {
  'token.sandbox_redeploys': {
    run: (context, input) => setSandboxRedeploys(context, input),
    prepare: async (db) => {
      setSandboxEndpoint({ apiUrl: new URL(sim.url), authUrl: new URL(sim.authUrl), apiToken: sim.demo!.dashboardToken });
      const machineUser = await invitedMachineUser(db);
      sim.store.failingRedeployProjects.delete(machineUser.projectId);
      return {
        input: { machineUserId: machineUser.id, fail: true },
        projectId: machineUser.projectId,
        verify: async () => {
          expect(sim.store.failingRedeployProjects.has(machineUser.projectId)).toBe(true);
          // Back to redeploys that succeed, for the scenarios after this one.
          sim.store.failingRedeployProjects.delete(machineUser.projectId);
        },
      };
    },
  },
};

Object.assign(SCENARIOS, CAMPAIGN_SCENARIOS, NOTIFICATION_SCENARIOS, ACCOUNT_SCENARIOS, SECOND_FACTOR_SCENARIOS, INCIDENT_SCENARIOS, SANDBOX_SCENARIOS);

describe('the replay covers the matrix exactly', () => {
  it('has a scenario for every mutation of role-matrix.json and none for anything else', () => {
    expect(MUTATIONS.length).toBeGreaterThan(0);
    expect(Object.keys(SCENARIOS).sort()).toEqual([...MUTATIONS].sort());
  });

  it('has a valid rule for every role of every mutation', () => {
    for (const action of MUTATIONS) {
      for (const role of ROLES) expect(['allow', 'deny', 'assigned'], `${action} / ${role}`).toContain(ROWS[action]?.[role]);
    }
  });
});

describe.each(TEST_DATABASE_KINDS)('role matrix replayed on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;

  beforeAll(async () => {
    db = database.db;
    await createProjects(db, [...PROJECTS]);
    client = simulatorClient(sim);
    await recordDashboardAccount(db, client);
  });

  afterAll(() => {
    client?.dispose();
  });

  /** A signed-in user of the role; an onboarder is assigned the given projects (in the database and the session). */
  async function actorContext(role: Role, projectIds: string[] = []): Promise<RequestContext> {
    const user = await createUser(db, { role, projectIds: role === 'onboarder' ? projectIds : undefined });
    return contextFor(user, role === 'onboarder' ? projectIds : []);
  }

  async function expectAllowed(action: string, scenario: Scenario, prepared: Prepared, context: RequestContext) {
    const seq = await lastAuditSeq(db);
    const result = await scenario.run(context, prepared.input);
    expect(result.ok, `${action} by ${context.actor.role} should succeed: ${JSON.stringify(result)}`).toBe(true);
    await prepared.verify(db, result.ok ? result.data : undefined);
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => event.action)).toEqual([prepared.operation ?? action, ...(prepared.followUpAudit ?? [])]);
    // The operation is done under the permission the matrix replays.
    expect(permissionOf(events[0]!.action)).toBe(action);
    for (const event of events) {
      expect(event).toMatchObject({
        outcome: 'succeeded',
        actorId: context.actor.id,
        actorRole: context.actor.role,
        actorEmail: context.actor.email,
      });
    }
  }

  async function expectRefused(action: string, scenario: Scenario, prepared: Prepared, context: RequestContext) {
    const before = await snapshotTables(db);
    expect(Object.keys(before)).toContain('users');
    const seq = await lastAuditSeq(db);
    const result = await scenario.run(context, prepared.input);
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    expect(await snapshotTables(db)).toEqual(before);
    const events = await auditEventsSince(db, seq);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action,
      outcome: 'refused',
      actorId: context.actor.id,
      actorRole: context.actor.role,
      actorEmail: context.actor.email,
    });
  }

  const cases = MUTATIONS.flatMap((action) => ROLES.map((role) => ({ action, role, rule: ROWS[action]![role] })));

  const aboveLimit = Object.entries(SCENARIOS).filter(([, scenario]) => scenario.prepareAboveGrantLimit).map(([action]) => action);

  it('covers every action that sets roles with a grant beyond the limit', () => {
    expect(aboveLimit.sort()).toEqual(['machine_user.change_roles', 'machine_user.invite']);
  });

  it.each(aboveLimit)('%s above the onboarder’s grant limit: refused for an assigned onboarder, allowed for an admin', async (action) => {
    const scenario = SCENARIOS[action]!;
    const prepared = await scenario.prepareAboveGrantLimit!(db);
    const onboarder = await actorContext('onboarder', [prepared.projectId!]);
    const before = await snapshotTables(db);
    const seq = await lastAuditSeq(db);
    const writes = sim.requestLog.entries.filter((entry) => entry.method !== 'GET' && entry.path.startsWith('/projects/')).length;
    const result = await scenario.run(onboarder, prepared.input);
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', fieldErrors: expect.any(Object) } });
    expect(await snapshotTables(db)).toEqual(before);
    expect(sim.requestLog.entries.filter((entry) => entry.method !== 'GET' && entry.path.startsWith('/projects/')).length).toBe(writes);
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.actorId])).toEqual([[action, 'refused', onboarder.actor.id]]);
    await expectAllowed(action, scenario, prepared, await actorContext('admin'));
  });

  it.each(cases)('$action by $role: $rule', async ({ action, role, rule }) => {
    const scenario = SCENARIOS[action];
    expect(scenario, `no scenario for ${action}`).toBeDefined();
    if (!scenario) return;

    if (rule === 'allow') {
      const prepared = await scenario.prepare(db);
      await expectAllowed(action, scenario, prepared, await actorContext(role));
      return;
    }

    if (rule === 'deny') {
      const prepared = await scenario.prepare(db);
      await expectRefused(action, scenario, prepared, await actorContext(role, [...PROJECTS]));
      // Positive control: the very same call by a role the matrix allows succeeds, so the refusal
      // above came from the role and not from the input or the target.
      const allowedRole = ROLES.find((candidate) => ROWS[action]![candidate] === 'allow');
      if (allowedRole) await expectAllowed(action, scenario, prepared, await actorContext(allowedRole));
      return;
    }

    // 'assigned': allowed only on a project assigned to the actor.
    const elsewhere = await scenario.prepare(db);
    expect(elsewhere.projectId, `${action} has an 'assigned' rule: its scenario must name the target's project`).toBeDefined();
    const otherProjects = PROJECTS.filter((project) => project !== elsewhere.projectId);
    await expectRefused(action, scenario, elsewhere, await actorContext(role, otherProjects));

    const assigned = await scenario.prepare(db);
    expect(assigned.projectId).toBeDefined();
    await expectAllowed(action, scenario, assigned, await actorContext(role, [assigned.projectId!]));
  });
});

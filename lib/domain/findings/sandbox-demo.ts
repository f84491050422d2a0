// Sandbox mode only: Keywarden's side of the review demo (lib/platformsh/simulator/review-demo.ts),
// written once after the first sync, so that a reviewer trying the sandbox meets the findings the
// issue names — a compromised token still to delete, an overdue rotation, tokens made outside
// Keywarden, an address override — next to the hand-set inheritable variables the simulator's demo
// organisation already holds. Two demo people own the machine users: an onboarder, and a former
// colleague whose account is disabled (a machine user without an available owner). Neither can sign
// in (no password), and neither is an admin, so the first-run set-up still asks for the first admin.
// Only metadata is written, as for any token: keyed fingerprints and last four characters.
import { getConfig } from '@/lib/config';
import type { Database } from '@/lib/db';
import { vendorProfile } from '@/lib/vendor';
import { REVIEW_DEMO, reviewDemoTokens } from '@/lib/platformsh/simulator/review-demo';
import { recordAudit } from '@/lib/audit/record';
import { fingerprintOf, lastFourOf } from '@/lib/security/fingerprint';
import { DAY_MS } from './types';

export const DEMO_OWNER_EMAIL = 'sam.owner@example.com';
export const DEMO_FORMER_OWNER_EMAIL = 'dana.former@example.com';

/** Writes the demo records unless they exist; false when there was nothing to do (or no synced projects yet). */
export async function seedReviewDemoRecords(db: Database, options: { credentialKey: string; fingerprintKey: string; now?: Date }): Promise<boolean> {
  const now = options.now ?? new Date();
  const { sourceOps, sharedCi, legacyProjectId, searchProjectId } = REVIEW_DEMO;
  if (await db.machineUser.findFirst({ where: { email: sourceOps.email }, select: { id: true } })) return false;
  if ((await db.project.count({ where: { id: { in: [legacyProjectId, searchProjectId] } } })) < 2) return false;
  const tokens = reviewDemoTokens(options.credentialKey);
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);

  await db.$transaction(async (tx) => {
    const owner = await tx.user.upsert({
      where: { email: DEMO_OWNER_EMAIL },
      create: { email: DEMO_OWNER_EMAIL, name: 'Sam Owner (demo)', role: 'onboarder', projectAssignments: { create: [{ projectId: legacyProjectId }, { projectId: searchProjectId }] } },
      update: {},
    });
    const former = await tx.user.upsert({
      where: { email: DEMO_FORMER_OWNER_EMAIL },
      create: { email: DEMO_FORMER_OWNER_EMAIL, name: 'Dana Former (demo)', role: 'onboarder', disabledAt: ago(30) },
      update: {},
    });

    const sourceOpsUser = await tx.machineUser.create({
      data: {
        projectId: legacyProjectId,
        purpose: 'source_operations',
        email: sourceOps.email,
        permissions: [...sourceOps.permissions],
        state: 'active',
        invitationSentAt: ago(190),
        acceptedAt: ago(189),
        checkedAt: now,
        platformshUserId: sourceOps.userId,
        ownerId: former.id,
        tokenListSeenAt: ago(2),
      },
    });
    const record = (key: 'compromised' | 'overdue', data: { status: 'compromised' | 'active'; rotateBy: Date; recordedAt: Date; lastUsedAt: Date | null; statusChangedAt?: Date }) =>
      tx.apiToken.create({
        data: {
          machineUserId: sourceOpsUser.id,
          name: REVIEW_DEMO.tokens[key].name,
          fingerprint: fingerprintOf(tokens[key].value, options.fingerprintKey),
          lastFour: lastFourOf(tokens[key].value),
          platformshTokenId: tokens[key].id,
          remoteCreatedAt: new Date(REVIEW_DEMO.tokens[key].createdAt),
          ...data,
        },
      });
    await record('compromised', { status: 'compromised', rotateBy: ago(10), recordedAt: ago(180), lastUsedAt: ago(95), statusChangedAt: ago(2) });
    const current = await record('overdue', { status: 'active', rotateBy: ago(12), recordedAt: ago(102), lastUsedAt: ago(1) });
    // Keywarden's journal of the push that set the current token where the job runs.
    const run = await tx.pushRun.create({
      data: { machineUserId: sourceOpsUser.id, tokenId: current.id, status: 'succeeded', visibleBuild: false, startedAt: ago(102), finishedAt: ago(102), heartbeatAt: ago(102) },
    });
    // Under the name the simulator seeded it (its vendor is the configured one).
    const variableName = vendorProfile(getConfig().platformsh.vendor).tokenVariable;
    await tx.pushStep.create({ data: { runId: run.id, projectId: legacyProjectId, environmentId: sourceOps.environmentId, environmentType: 'development', status: 'succeeded', operation: 'create', attempts: 1, variableName } });
    await tx.$executeRaw`UPDATE push_steps SET updated_at = ${ago(102)} WHERE run_id = ${run.id}::uuid`;
    // The machine user's token list as last read: the two recorded tokens and one made in the Console.
    await tx.remoteApiToken.createMany({
      data: (['compromised', 'overdue', 'console'] as const).map((key) => ({
        machineUserId: sourceOpsUser.id,
        platformshTokenId: tokens[key].id,
        name: REVIEW_DEMO.tokens[key].name,
        remoteCreatedAt: new Date(REVIEW_DEMO.tokens[key].createdAt),
        lastUsedAt: key === 'overdue' ? ago(1) : null,
        mfaOnCreation: false,
        seenAt: ago(2),
      })),
    });

    const reuseReason = 'One CI account for the CMS and the search service, set up before Keywarden; to be split.';
    for (const projectId of [legacyProjectId, searchProjectId]) {
      await tx.machineUser.create({
        data: {
          projectId,
          purpose: 'ci_tests',
          email: sharedCi.email,
          permissions: [...sharedCi.permissions],
          needsSshKey: true,
          state: 'active',
          invitationSentAt: ago(280),
          acceptedAt: ago(279),
          checkedAt: now,
          platformshUserId: sharedCi.userId,
          ownerId: owner.id,
          reuseReason,
        },
      });
    }
    await recordAudit(tx, {
      actor: null,
      action: 'setup.sandbox_review_demo',
      outcome: 'succeeded',
      reason: 'Sandbox mode: the review demo’s machine users and token records',
      target: { type: 'project', id: legacyProjectId },
    });
  });
  return true;
}

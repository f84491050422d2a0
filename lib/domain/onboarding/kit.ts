// What the onboarding kit page shows for a project: the values its snippets are generated for (id,
// title, region host, production branch from the inventory), the checklists, and what Keywarden did
// for each machine user (its roles, where its token is now) for the CLI equivalents.
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import { getDb } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import type { Checklist } from '@/lib/onboarding/checklist';
import { activeSandboxEndpoint } from '@/lib/domain/platformsh-connection';
import type { RequestContext } from '../context';
import { currentHoldings } from '../tokens/holders';
import { LIVE_STATES, readProjectChecklists, type ProjectChecklists } from './checklist';

const CONFIRMATIONS_SHOWN = 5;

export interface KitMachineUser {
  id: string;
  email: string;
  purpose: 'backups' | 'ci_tests' | 'source_operations' | 'certificate_renewal' | 'custom';
  state: string;
  /** Platform.sh permissions, e.g. ["viewer", "production:admin"]. */
  permissions: string[];
  checklist: Checklist;
  /** Where its token is now (Keywarden's journal), and whether it was pushed visible at build time. */
  pushed: { environmentIds: string[]; visibleBuild: boolean } | null;
}

export interface OnboardingKitView {
  project: {
    id: string;
    title: string;
    region: string | null;
    /** The production environment's branch; the default branch (or `main`) when the inventory has none. */
    productionBranch: string;
    /** False when no production environment was synced: the branch is a guess the page says so of. */
    isProductionBranchKnown: boolean;
  };
  checklist: Checklist;
  machineUsers: KitMachineUser[];
  confirmations: { id: string; confirmedAt: string; confirmedBy: string | null; note: string | null }[];
  canConfirm: boolean;
  canOnboard: boolean;
  /** Sandbox mode: the simulator can run the production cron on demand. */
  isSandbox: boolean;
}

/** The checklists of a project the actor may read (the Project page's section). */
export async function getProjectChecklists(context: RequestContext, projectId: string): Promise<ActionResult<ProjectChecklists>> {
  if (!authorize(context.actor, 'project.read', { projectId }).allowed) return fail('not_found', 'There is no such project, or it is not assigned to you.');
  return ok(await readProjectChecklists(projectId));
}

export function isSandboxMode(): boolean {
  return activeSandboxEndpoint() !== undefined;
}

export async function getOnboardingKit(context: RequestContext, projectId: string): Promise<ActionResult<OnboardingKitView>> {
  // The same answer for a project out of reach as for an unknown one.
  if (!authorize(context.actor, 'project.read', { projectId }).allowed) return fail('not_found', 'There is no such project, or it is not assigned to you.');
  const db = getDb();
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      title: true,
      region: true,
      defaultBranch: true,
      environments: { where: { type: 'production' }, select: { id: true, isMain: true }, orderBy: [{ isMain: 'desc' }, { id: 'asc' }] },
      machineUsers: { where: { state: { in: [...LIVE_STATES] } }, select: { id: true, email: true, purpose: true, state: true, permissions: true } },
    },
  });
  if (!project) return fail('not_found', 'There is no such project, or it is not assigned to you.');

  const machineUserIds = project.machineUsers.map((machineUser) => machineUser.id);
  const [checklists, holdings, confirmations] = await Promise.all([
    readProjectChecklists(projectId),
    currentHoldings(machineUserIds),
    db.onboardingConfirmation.findMany({
      where: { projectId },
      orderBy: { confirmedAt: 'desc' },
      take: CONFIRMATIONS_SHOWN,
      select: { id: true, confirmedAt: true, note: true, confirmedBy: { select: { email: true } } },
    }),
  ]);
  const tokenIds = [...new Set(holdings.map((holding) => holding.tokenId))];
  const runs = tokenIds.length ? await db.pushRun.findMany({ where: { tokenId: { in: tokenIds } }, orderBy: { startedAt: 'desc' }, select: { tokenId: true, machineUserId: true, visibleBuild: true } }) : [];

  const byId = new Map(project.machineUsers.map((machineUser) => [machineUser.id, machineUser]));
  const ownerOfToken = new Map(runs.map((run) => [run.tokenId, run.machineUserId]));
  const machineUsers = checklists.machineUsers.flatMap((checklist): KitMachineUser[] => {
    const row = checklist.machineUser ? byId.get(checklist.machineUser.id) : undefined;
    if (!row) return [];
    // Runs are newest first: the latest push of a token it holds now says whether the build sees it.
    const latestRun = runs.find((run) => run.machineUserId === row.id);
    const environmentIds = holdings.filter((holding) => ownerOfToken.get(holding.tokenId) === row.id).map((holding) => holding.environmentId).sort();
    return [{ id: row.id, email: row.email, purpose: row.purpose, state: row.state, permissions: row.permissions, checklist, pushed: environmentIds.length ? { environmentIds, visibleBuild: latestRun?.visibleBuild ?? false } : null }];
  });

  const production = project.environments[0];
  return ok({
    project: {
      id: project.id,
      title: project.title,
      region: project.region,
      productionBranch: production?.id ?? project.defaultBranch ?? 'main',
      isProductionBranchKnown: production !== undefined,
    },
    checklist: checklists.project,
    machineUsers,
    confirmations: confirmations.map((row) => ({ id: row.id, confirmedAt: row.confirmedAt.toISOString(), confirmedBy: row.confirmedBy?.email ?? null, note: row.note })),
    canConfirm: authorize(context.actor, 'onboarding.confirm_config', { projectId }).allowed,
    canOnboard: authorize(context.actor, 'machine_user.invite', { projectId }).allowed,
    isSandbox: isSandboxMode(),
  });
}

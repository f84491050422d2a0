// Sandbox mode's review demo (issue 15 "done when"): the Platform.sh side of a few machine users
// Keywarden "already manages", each showing a finding a reviewer should meet — a compromised token
// still accepted by Platform.sh, an overdue rotation, a token made in the Console, one address on
// two projects. Keywarden's side of them is written by lib/domain/findings/sandbox-demo.ts after the
// first sync. Only sandbox start-up adds it (`reviewDemo`): tests seed the plain demo organisation.
//
// Legacy CMS and Search service hold it: the e2e specs leave them nearly alone (no spec pushes to
// Legacy CMS's production, and nothing here touches a production environment).
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { keyedSecretFrom, secretFrom, uuidFrom } from './ids';
import type { SimulatorStore } from './store';

const projectId = (title: string) => {
  const project = DEMO_PROJECTS.find((candidate) => candidate.title === title);
  if (!project) throw new Error(`no demo project ${title}`);
  return project.id;
};

export const REVIEW_DEMO = {
  legacyProjectId: projectId('Legacy CMS'),
  searchProjectId: projectId('Search service'),
  /** Source operations on Legacy CMS: a compromised token, an overdue one, and one made in the Console. */
  sourceOps: {
    userId: uuidFrom('review-demo:legacy-source-ops'),
    username: 'legacy-source-ops',
    email: 'bots+legacy-cms-source-ops@example.com',
    permissions: ['viewer', 'development:contributor'],
    environmentId: 'feature-search',
  },
  /** CI on two projects with one address (an address override). */
  sharedCi: {
    userId: uuidFrom('review-demo:shared-ci'),
    username: 'shared-ci',
    email: 'bots+shared-ci@example.com',
    permissions: ['viewer', 'production:viewer', 'staging:viewer', 'development:viewer'],
  },
  tokens: {
    compromised: { seed: 'review-demo-token:leaked', name: 'Source operations cron (leaked)', createdAt: '2025-06-02T09:00:00.000Z' },
    overdue: { seed: 'review-demo-token:current', name: 'Source operations cron', createdAt: '2025-09-15T09:00:00.000Z' },
    console: { seed: 'review-demo-token:console', name: 'made in the Console', createdAt: '2025-11-20T16:30:00.000Z' },
  },
} as const;

export type ReviewDemoTokenKey = keyof typeof REVIEW_DEMO.tokens;

/** The demo tokens' values and Platform.sh ids, as the simulator seeds them under this credential key. */
export function reviewDemoTokens(credentialKey: string | undefined): Record<ReviewDemoTokenKey, { value: string; id: string }> {
  const valueOf = (seed: string) => (credentialKey === undefined ? secretFrom(seed) : keyedSecretFrom(credentialKey, seed));
  const entries = Object.entries(REVIEW_DEMO.tokens).map(([key, token]) => {
    const value = valueOf(token.seed);
    // The store derives a token's id from its value (SimulatorStore.issueApiToken).
    return [key, { value, id: uuidFrom(`api-token:${value}`) }];
  });
  return Object.fromEntries(entries) as Record<ReviewDemoTokenKey, { value: string; id: string }>;
}

export function seedReviewDemo(store: SimulatorStore, organizationId: string, credentialKey: string | undefined): void {
  const { sourceOps, sharedCi, legacyProjectId, searchProjectId } = REVIEW_DEMO;
  const tokens = reviewDemoTokens(credentialKey);
  const bot = store.addUser({ id: sourceOps.userId, username: sourceOps.username, email: sourceOps.email, firstName: 'Legacy CMS', lastName: 'Source operations', createdAt: '2025-06-01T09:00:00.000Z' });
  store.addOrganizationMember(organizationId, bot.id);
  store.grantAccess(legacyProjectId, bot.id, [...sourceOps.permissions]);
  for (const key of ['compromised', 'overdue', 'console'] as const) {
    const token = REVIEW_DEMO.tokens[key];
    store.issueApiToken(bot.id, token.name, { value: tokens[key].value, createdAt: token.createdAt, lastUsedAt: key === 'overdue' ? new Date(Date.now() - 86_400_000).toISOString() : null });
  }
  // Keywarden pushed the current token to the development environment where the job runs.
  store.seedVariable(legacyProjectId, sourceOps.environmentId, {
    name: store.vendor.tokenVariable,
    value: tokens.overdue.value,
    is_sensitive: true,
    is_inheritable: false,
    visible_build: false,
    createdAt: REVIEW_DEMO.tokens.overdue.createdAt,
  });

  const ci = store.addUser({ id: sharedCi.userId, username: sharedCi.username, email: sharedCi.email, firstName: 'Shared', lastName: 'CI', createdAt: '2025-03-01T09:00:00.000Z' });
  store.addOrganizationMember(organizationId, ci.id);
  store.grantAccess(legacyProjectId, ci.id, [...sharedCi.permissions]);
  store.grantAccess(searchProjectId, ci.id, [...sharedCi.permissions]);
}

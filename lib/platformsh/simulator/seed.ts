// The demo organisation of sandbox mode, and a large generated one for benchmarks. Everything is
// derived from names, so ids and credentials are the same on every start. Credentials derived from
// names alone are in the public source: fine for tests and `npm run simulator`, not for sandbox
// mode, which passes a random `credentialKey` from its data directory so that no token in the
// source is accepted (issue 21).
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { keyedSecretFrom, projectIdFrom, secretFrom, ulidFrom, uuidFrom } from './ids';
import type { EnvironmentType } from './permissions';
import type { EnvironmentRecord, SimulatorStore, UserRecord } from './store';

const DASHBOARD_TOKEN_SEED = 'keywarden-demo-dashboard-token';

/**
 * The dashboard's credential of the demo organisation without a credential key (tests, `npm run
 * simulator`): an API token of the organisation's machine user. Public: sandbox mode never accepts it.
 */
export const DEMO_DASHBOARD_API_TOKEN = secretFrom(DASHBOARD_TOKEN_SEED);
/** The dashboard account's user id on the simulator (an organisation admin; the Console refuses it). */
export const DEMO_DASHBOARD_USER_ID = uuidFrom('keywarden-dashboard');
export const DEMO_ORGANIZATION_ID = ulidFrom('keywarden-demo-organisation');
/** The project where `env:PLATFORMSH_CLI_TOKEN` (`env:UPSUN_CLI_TOKEN`) was set by hand on production long ago. */
export const DEMO_HAND_SET_TOKEN_PROJECT_ID = 'p9d2nw5lzc8ub';

export interface DemoOrganisation {
  organizationId: string;
  dashboardUser: UserRecord;
  /** The dashboard credential: exchange it at `/oauth2/token`. */
  dashboardToken: string;
  humans: { user: UserRecord; apiToken: string }[];
  projectIds: string[];
  handSetTokenProjectId: string;
}

/** Environments per project (3–12), by position. */
const ENVIRONMENT_COUNTS = [12, 6, 3, 7, 4, 5, 9, 3, 5, 4];
const FEATURE_BRANCHES = ['feature-search', 'feature-cart', 'fix-login', 'hotfix-vat', 'feature-i18n', 'spike-graphql', 'feature-pwa', 'fix-timeouts', 'feature-sso', 'chore-deps'];
const SEEDED_AT = '2024-02-01T10:00:00.000Z';

function addDashboardUser(store: SimulatorStore, organizationId: string, dashboardToken: string): UserRecord {
  const user = store.addUser({
    id: DEMO_DASHBOARD_USER_ID,
    username: 'keywarden-dashboard',
    email: 'keywarden-dashboard@machine-users.example.com',
    firstName: 'Keywarden',
    lastName: 'Dashboard',
    createdAt: SEEDED_AT,
  });
  store.addOrganizationMember(organizationId, user.id, true);
  store.issueApiToken(user.id, 'Keywarden dashboard', { value: dashboardToken, createdAt: SEEDED_AT });
  return user;
}

/** production `main`, `staging` (child of main), then development branches, some inactive. */
function addEnvironments(store: SimulatorStore, projectId: string, count: number, createdAt: string): EnvironmentRecord[] {
  const environments: EnvironmentRecord[] = [store.addEnvironment(projectId, { id: 'main', title: 'Main', type: 'production', createdAt })];
  if (count >= 2) environments.push(store.addEnvironment(projectId, { id: 'staging', title: 'Staging', type: 'staging', parent: 'main', createdAt }));
  for (let index = 0; environments.length < count; index += 1) {
    const type: EnvironmentType = 'development';
    const id = FEATURE_BRANCHES[index] ?? `dev-${index + 1}`;
    environments.push(
      store.addEnvironment(projectId, {
        id,
        type,
        parent: index % 2 === 0 ? 'staging' : 'main',
        // Every third development environment is inactive (its branch was deactivated).
        status: index % 3 === 2 ? 'inactive' : 'active',
        createdAt,
      }),
    );
  }
  return environments;
}

/** Seeded credential values: derived from a public name, or from the name under a secret key. */
function credentialsFrom(credentialKey: string | undefined): (seed: string) => string {
  return credentialKey === undefined ? secretFrom : (seed) => keyedSecretFrom(credentialKey, seed);
}

/** The demo dashboard credential the simulator seeds with this credential key. */
export function demoDashboardToken(credentialKey: string | undefined): string {
  return credentialsFrom(credentialKey)(DASHBOARD_TOKEN_SEED);
}

export function seedDemoOrganisation(store: SimulatorStore, options: { dashboardToken?: string; credentialKey?: string } = {}): DemoOrganisation {
  const credential = credentialsFrom(options.credentialKey);
  const dashboardToken = options.dashboardToken ?? demoDashboardToken(options.credentialKey);
  const people = [
    { username: 'alice', email: 'alice@example.com', firstName: 'Alice', lastName: 'Martin' },
    { username: 'bob', email: 'bob@example.com', firstName: 'Bob', lastName: 'Durand' },
    { username: 'chloe', email: 'chloe@example.com', firstName: 'Chloé', lastName: 'Bernard' },
  ];
  const humans = people.map((person) => {
    const user = store.addUser({ id: uuidFrom(`human:${person.username}`), ...person, createdAt: '2022-05-10T08:00:00.000Z' });
    const apiToken = credential(`human-token:${person.username}`);
    store.issueApiToken(user.id, `${person.firstName}'s laptop`, { value: apiToken, createdAt: '2023-01-09T08:00:00.000Z', lastUsedAt: '2025-12-01T08:00:00.000Z' });
    return { user, apiToken };
  });
  const [alice, bob, chloe] = humans.map((human) => human.user) as [UserRecord, UserRecord, UserRecord];

  const organization = store.addOrganization({ id: DEMO_ORGANIZATION_ID, name: 'acme', label: 'ACME Corp', ownerId: alice.id, createdAt: '2022-05-10T08:00:00.000Z' });
  store.addOrganizationMember(organization.id, bob.id);
  store.addOrganizationMember(organization.id, chloe.id);
  const dashboardUser = addDashboardUser(store, organization.id, dashboardToken);

  // An existing machine user that already deploys the storefront.
  const deployBot = store.addUser({ id: uuidFrom('machine:storefront-deploy'), username: 'storefront-deploy', email: 'bots+storefront-deploy@example.com', firstName: 'Storefront', lastName: 'Deploy', createdAt: SEEDED_AT });
  store.addOrganizationMember(organization.id, deployBot.id);
  store.issueApiToken(deployBot.id, 'GitHub Actions', { value: credential('machine-token:storefront-deploy'), createdAt: SEEDED_AT });

  const projects = DEMO_PROJECTS;
  projects.forEach((demoProject, position) => {
    const project = store.addProject({ ...demoProject, organizationId: organization.id, createdAt: '2023-03-01T09:00:00.000Z' });
    addEnvironments(store, project.id, ENVIRONMENT_COUNTS[position] ?? 3, '2023-03-01T09:00:00.000Z');
    store.grantAccess(project.id, alice.id, ['admin']);
    store.grantAccess(project.id, position % 2 === 0 ? bob.id : chloe.id, ['viewer', 'development:contributor', 'staging:viewer']);
    store.seedVariable(project.id, 'main', { name: 'env:APP_ENV', value: 'prod', createdAt: '2023-03-02T09:00:00.000Z' });
    store.seedVariable(project.id, 'main', { name: 'env:SENTRY_DSN', value: `https://sentry.example.com/${project.id}`, is_sensitive: true, createdAt: '2023-03-02T09:00:00.000Z' });
    store.seedVariable(project.id, null, { name: 'php:memory_limit', value: '256M', createdAt: '2023-03-02T09:00:00.000Z' });
  });

  const storefront = DEMO_PROJECTS[0]?.id ?? 'k3v7rq2mhx4ta';
  store.grantAccess(storefront, deployBot.id, ['viewer', 'production:admin']);
  // Seed variables are named as the simulator's vendor names them (env:UPSUN_CLI_TOKEN on Upsun).
  store.seedVariable(storefront, 'main', { name: store.vendor.tokenVariable, value: credential('machine-token:storefront-deploy'), is_sensitive: true, is_inheritable: false, createdAt: '2024-02-02T10:00:00.000Z' });

  // Set by hand long ago, with a human's token: the case Keywarden should surface.
  store.seedVariable(DEMO_HAND_SET_TOKEN_PROJECT_ID, 'main', {
    name: store.vendor.tokenVariable,
    value: credential('human-old-token:bob'),
    is_sensitive: true,
    createdAt: '2021-11-17T15:42:00.000Z',
  });

  return { organizationId: organization.id, dashboardUser, dashboardToken, humans, projectIds: projects.map((project) => project.id), handSetTokenProjectId: DEMO_HAND_SET_TOKEN_PROJECT_ID };
}

export interface LargeOrganisation {
  organizationId: string;
  dashboardUser: UserRecord;
  dashboardToken: string;
  projectIds: string[];
}

/** A generated organisation for benchmarks (`projects` × `environmentsPerProject`). */
export function seedLargeOrganisation(
  store: SimulatorStore,
  options: { projects: number; environmentsPerProject: number; dashboardToken?: string } = { projects: 2000, environmentsPerProject: 5 },
): LargeOrganisation {
  const dashboardToken = options.dashboardToken ?? DEMO_DASHBOARD_API_TOKEN;
  const owner = store.addUser({ id: uuidFrom('large:owner'), username: 'owner', email: 'owner@large.example.com', createdAt: SEEDED_AT });
  const organization = store.addOrganization({ id: ulidFrom('large-organisation'), name: 'large', label: 'Large Org', ownerId: owner.id, createdAt: SEEDED_AT });
  const dashboardUser = addDashboardUser(store, organization.id, dashboardToken);
  const projectIds: string[] = [];
  for (let index = 0; index < options.projects; index += 1) {
    const project = store.addProject({ id: projectIdFrom(`large:${index}`), organizationId: organization.id, title: `Project ${String(index + 1).padStart(4, '0')}`, region: 'eu-3.platform.sh', createdAt: SEEDED_AT });
    addEnvironments(store, project.id, Math.max(1, options.environmentsPerProject), SEEDED_AT);
    projectIds.push(project.id);
  }
  return { organizationId: organization.id, dashboardUser, dashboardToken, projectIds };
}

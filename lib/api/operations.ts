// The operations of REST API v1 (this slice: reads, and the caller's API keys). Each handler calls
// the same domain function as the dashboard's page or action, with the RequestContext of the key or
// session: authorize(), scoping to an onboarder's projects and auditing happen there, not here.
import 'server-only';
import { z } from 'zod';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from '@/lib/domain/api-keys';
import { AUDIT_POLL_DEFAULT_LIMIT, AUDIT_POLL_MAX_LIMIT, pollAuditLog } from '@/lib/domain/audit-export';
import { listFindings } from '@/lib/domain/findings/queries';
import { getProject, listProjects } from '@/lib/domain/inventory/projects';
import { getMachineUser, listMachineUsers } from '@/lib/domain/machine-users/queries';
import { getPushRun, getToken, listTokens } from '@/lib/domain/tokens/queries';
import { fail, fieldErrorsOf } from '@/lib/errors';
import { createApiKeySchema } from '@/lib/validations/api-keys';
import { AUDIT_OUTCOMES, AUDIT_TARGET_TYPES, auditFilterSchema } from '@/lib/validations/audit';
import { FINDING_SEVERITIES, FINDING_SORTS, FINDING_STATUSES } from '@/lib/validations/findings';
import { PROJECT_SORTS, PROJECT_STATE_FILTERS, PROJECT_TOKEN_FILTERS } from '@/lib/validations/inventory';
import { MACHINE_USER_LIST_SORTS, MACHINE_USER_STATES } from '@/lib/validations/machine-users';
import { textSchema } from '@/lib/validations/text';
import { TOKEN_LIST_SORTS, TOKEN_LIST_STATUSES } from '@/lib/validations/tokens';
import {
  apiKeyDto,
  apiKeySchema,
  auditEventDto,
  auditEventSchema,
  createdApiKeySchema,
  findingDto,
  findingSchema,
  machineUserDetailDto,
  machineUserDetailSchema,
  machineUserDto,
  machineUserSchema,
  projectDetailDto,
  projectDetailSchema,
  projectSummaryDto,
  projectSummarySchema,
  pushRunDto,
  pushRunSchema,
  tokenDto,
  tokenSchema,
} from './dto';
import { defineEndpoint, type Endpoint } from './endpoint';
import { listSchema, nextCursor, pageOf, paginationQuery } from './pagination';
import { WRITE_OPERATIONS } from './write-operations';
import { REVIEW_OPERATIONS } from './review-operations';
import { INCIDENT_OPERATIONS } from './incident-operations';

const uuid = (description: string) => z.uuid().meta({ description });
// The dashboard drops a token-like search word from its address (lib/security/secret-query.ts); a
// script is told instead, rather than handed an unfiltered list as the answer to its query.
const search = textSchema({ max: 100 }).optional().meta({ description: 'Search words, as in the dashboard’s search box. Refused if they look like a token.' });
const dir = z.enum(['asc', 'desc']).optional();
const projectFilter = z.string().regex(/^[a-z0-9-]{1,64}$/).optional().meta({ description: 'A project id.' });

/** An invalid cursor is the caller's mistake: 400, like any other bad query. */
const badCursor = (message: string) => fail('invalid_input', message, { cursor: [message] });

const listProjectsEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/projects',
  operationId: 'listProjects',
  summary: 'List projects',
  description: 'The inventory’s projects (an onboarder: the assigned ones), filtered and sorted like the Projects page.',
  tag: 'Inventory',
  query: z.strictObject({ ...paginationQuery, q: search, sort: z.enum(PROJECT_SORTS).optional(), dir, variable: z.enum(PROJECT_TOKEN_FILTERS).optional(), state: z.enum(PROJECT_STATE_FILTERS).optional() }),
  response: { status: 200, schema: listSchema(projectSummarySchema, 'ProjectList'), description: 'A page of projects.' },
  errors: [400],
  handle: async ({ auth, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    const result = await listProjects(auth.context, { ...filters, page: page.page }, { pageSize: page.limit });
    if (!result.ok) return result;
    return { ok: true, body: { data: result.data.projects.map(projectSummaryDto), total: result.data.total, next_cursor: nextCursor(page.page, page.limit, result.data.total) } };
  },
});

const getProjectEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/projects/{projectId}',
  operationId: 'getProject',
  summary: 'Get a project',
  description: 'One project with its environments and token variables.',
  tag: 'Inventory',
  params: z.strictObject({ projectId: z.string().regex(/^[a-z0-9-]{1,64}$/).meta({ description: 'The Platform.sh project id.' }) }),
  response: { status: 200, schema: projectDetailSchema, description: 'The project.' },
  errors: [404],
  handle: async ({ auth, params }) => {
    const result = await getProject(auth.context, params.projectId);
    return result.ok ? { ok: true, body: projectDetailDto(result.data) } : result;
  },
});

const listMachineUsersEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/machine-users',
  operationId: 'listMachineUsers',
  summary: 'List machine users',
  description: 'Keywarden’s machine users (an onboarder: those of assigned projects), with roles, invitation state and owners.',
  tag: 'Machine users',
  query: z.strictObject({
    ...paginationQuery,
    q: search,
    project: projectFilter,
    state: z.enum([...MACHINE_USER_STATES, 'all', 'current']).optional().meta({ description: '`current` (default): all but removed.' }),
    sort: z.enum(MACHINE_USER_LIST_SORTS).optional(),
    dir,
  }),
  response: { status: 200, schema: listSchema(machineUserSchema, 'MachineUserList'), description: 'A page of machine users.' },
  errors: [400],
  handle: async ({ auth, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    const result = await listMachineUsers(auth.context, { ...filters, page: page.page }, { pageSize: page.limit });
    if (!result.ok) return result;
    return { ok: true, body: { data: result.data.machineUsers.map(machineUserDto), total: result.data.total, next_cursor: nextCursor(page.page, page.limit, result.data.total) } };
  },
});

const getMachineUserEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/machine-users/{id}',
  operationId: 'getMachineUser',
  summary: 'Get a machine user',
  tag: 'Machine users',
  params: z.strictObject({ id: uuid('The machine user’s id.') }),
  response: { status: 200, schema: machineUserDetailSchema, description: 'The machine user.' },
  errors: [404],
  handle: async ({ auth, params }) => {
    const result = await getMachineUser(auth.context, params.id);
    return result.ok ? { ok: true, body: machineUserDetailDto(result.data) } : result;
  },
});

const listTokensEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/tokens',
  operationId: 'listTokens',
  summary: 'List token records',
  description: 'Token records (never a value): status, rotation date, where each is set, drift.',
  tag: 'Tokens',
  query: z.strictObject({
    ...paginationQuery,
    q: search,
    status: z.enum(TOKEN_LIST_STATUSES).optional().meta({ description: 'Default `active`.' }),
    overdue: z.enum(['yes']).optional(),
    drift: z.enum(['yes']).optional(),
    project: projectFilter,
    sort: z.enum(TOKEN_LIST_SORTS).optional(),
    dir,
  }),
  response: { status: 200, schema: listSchema(tokenSchema, 'TokenList'), description: 'A page of token records.' },
  errors: [400],
  handle: async ({ auth, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    const result = await listTokens(auth.context, { ...filters, page: page.page }, { pageSize: page.limit });
    if (!result.ok) return result;
    return { ok: true, body: { data: result.data.tokens.map(tokenDto), total: result.data.total, next_cursor: nextCursor(page.page, page.limit, result.data.total) } };
  },
});

const getTokenEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/tokens/{id}',
  operationId: 'getToken',
  summary: 'Get a token record',
  tag: 'Tokens',
  params: z.strictObject({ id: uuid('The token record’s id.') }),
  response: { status: 200, schema: tokenSchema, description: 'The token record.' },
  errors: [404],
  handle: async ({ auth, params }) => {
    const result = await getToken(auth.context, params.id);
    return result.ok ? { ok: true, body: tokenDto(result.data) } : result;
  },
});

const getPushEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/pushes/{id}',
  operationId: 'getPush',
  summary: 'Get a push run',
  description: 'A push of a token to environments, with one step per environment; poll it while `status` is `running`.',
  tag: 'Tokens',
  params: z.strictObject({ id: uuid('The push run’s id.') }),
  response: { status: 200, schema: pushRunSchema, description: 'The push run.' },
  errors: [404],
  handle: async ({ auth, params }) => {
    const result = await getPushRun(auth.context, params.id);
    if (!result.ok) return result;
    return result.data ? { ok: true, body: pushRunDto(result.data) } : fail('not_found', 'There is no such push.');
  },
});

const listFindingsEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/findings',
  operationId: 'listFindings',
  summary: 'List findings',
  description: 'The reviewer’s findings (an onboarder: those of assigned projects), filtered like the Findings view.',
  tag: 'Review',
  query: z.strictObject({
    ...paginationQuery,
    severity: z.enum(['all', ...FINDING_SEVERITIES]).optional(),
    rule: z.string().regex(/^[a-z_.]{1,100}$/).optional(),
    project: projectFilter,
    status: z.enum(FINDING_STATUSES).optional().meta({ description: 'Default `open`.' }),
    sort: z.enum(FINDING_SORTS).optional(),
    dir,
  }),
  response: { status: 200, schema: listSchema(findingSchema, 'FindingList'), description: 'A page of findings.' },
  errors: [400],
  handle: async ({ auth, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    const result = await listFindings(auth.context, { ...filters, page: page.page }, new Date(), { pageSize: page.limit });
    if (!result.ok) return result;
    return { ok: true, body: { data: result.data.findings.map(findingDto), total: result.data.total, next_cursor: nextCursor(page.page, page.limit, result.data.total) } };
  },
});

const auditPageSchema = z
  .object({
    data: z.array(auditEventSchema),
    next_since: z.string().nullable().meta({ description: 'Pass as `since` to read what follows (null: the log is empty).' }),
  })
  .meta({ id: 'AuditEventPage' });

const auditEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/audit',
  operationId: 'listAuditEvents',
  summary: 'Read the audit log',
  description:
    'Audit events after `since` (a `seq`), oldest first: a page of at most `limit` as JSON, or — with `Accept: application/x-ndjson` — every matching event after `since`, streamed one JSON object per line (an export: admins and reviewers). For SIEM polling, keep the last `seq` you read and pass it as `since`.',
  tag: 'Audit',
  query: z.strictObject({
    since: z.string().regex(/^\d{1,19}$/).optional().meta({ description: 'Only events with a greater `seq`.' }),
    limit: z.coerce.number().int().min(1).max(AUDIT_POLL_MAX_LIMIT).optional().meta({ description: `JSON only: events per page (default ${AUDIT_POLL_DEFAULT_LIMIT}).` }),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    action: z.string().regex(/^[a-z_.]{1,60}$/).optional(),
    actor: z.string().max(254).optional(),
    target: z.string().max(254).optional(),
    target_type: z.enum(AUDIT_TARGET_TYPES).optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  }),
  response: { status: 200, schema: auditPageSchema, description: 'A page of audit events.' },
  alternatives: { 'application/x-ndjson': { schema: auditEventSchema } },
  errors: [400, 403],
  handle: async ({ auth, query, request }) => {
    const { since, limit, target_type: targetType, ...rest } = query;
    const filters = auditFilterSchema.safeParse({ ...rest, targetType });
    if (!filters.success) return fail('invalid_input', 'Some filters are not valid.', fieldErrorsOf(filters.error));
    const ndjson = (request.headers.get('accept') ?? '').toLowerCase().includes('application/x-ndjson');
    const result = await pollAuditLog(auth.context, { filters: filters.data, since: since === undefined ? null : BigInt(since), limit: limit ?? AUDIT_POLL_DEFAULT_LIMIT, format: ndjson ? 'ndjson' : 'json' });
    if (!result.ok) return result;
    if (result.data.format === 'ndjson') {
      return new Response(result.data.body, { headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' } });
    }
    return { ok: true, body: { data: result.data.events.map(auditEventDto), next_since: result.data.nextSince } };
  },
});

const listApiKeysEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/api-keys',
  operationId: 'listApiKeys',
  summary: 'List API keys',
  description: 'The caller’s API keys, newest first (an admin: every user’s). Never the keys themselves.',
  tag: 'API keys',
  query: z.strictObject({ ...paginationQuery }),
  response: { status: 200, schema: listSchema(apiKeySchema, 'ApiKeyList'), description: 'A page of API keys.' },
  errors: [400],
  handle: async ({ auth, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const result = await listApiKeys(auth.context, { page: page.page, pageSize: page.limit });
    if (!result.ok) return result;
    return { ok: true, body: { data: result.data.apiKeys.map(apiKeyDto), total: result.data.total, next_cursor: nextCursor(page.page, page.limit, result.data.total) } };
  },
});

const createApiKeyEndpoint = defineEndpoint({
  method: 'POST',
  path: '/api/v1/api-keys',
  operationId: 'createApiKey',
  summary: 'Create an API key',
  description: 'A key for the signed-in caller (a session only: a key cannot create keys). The key is in this answer once and never again.',
  tag: 'API keys',
  auth: 'session',
  body: createApiKeySchema,
  response: { status: 201, schema: createdApiKeySchema, description: 'The key, shown once, and its record.' },
  errors: [400, 403, 413, 415],
  handle: async ({ auth, body }) => {
    const result = await createApiKey(auth.context, body, getSecrets(getConfig()).apiKey);
    if (!result.ok) return result;
    return { ok: true, status: 201, body: { key: result.data.key, api_key: apiKeyDto(result.data.apiKey) }, headers: { Location: `/api/v1/api-keys/${result.data.apiKey.id}` } };
  },
});

const getApiKeyEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/api-keys/{id}',
  operationId: 'getApiKey',
  summary: 'Get an API key',
  tag: 'API keys',
  params: z.strictObject({ id: uuid('The API key’s id.') }),
  response: { status: 200, schema: apiKeySchema, description: 'The API key’s record.' },
  errors: [404],
  handle: async ({ auth, params }) => {
    const result = await getApiKey(auth.context, params.id);
    return result.ok ? { ok: true, body: apiKeyDto(result.data) } : result;
  },
});

const revokeApiKeyEndpoint = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/api-keys/{id}',
  operationId: 'revokeApiKey',
  summary: 'Revoke an API key',
  description: 'Revokes one of the caller’s keys (an admin: anyone’s). It stops working at once; the record stays, marked revoked.',
  tag: 'API keys',
  params: z.strictObject({ id: uuid('The API key’s id.') }),
  response: { status: 200, schema: apiKeySchema, description: 'The revoked key’s record.' },
  errors: [403, 404, 409],
  handle: async ({ auth, params }) => {
    const result = await revokeApiKey(auth.context, { keyId: params.id });
    return result.ok ? { ok: true, body: apiKeyDto(result.data) } : result;
  },
});

/** Every operation, in the document's order. */
export const OPERATIONS: Record<string, Endpoint> = {
  listProjects: listProjectsEndpoint,
  getProject: getProjectEndpoint,
  listMachineUsers: listMachineUsersEndpoint,
  getMachineUser: getMachineUserEndpoint,
  listTokens: listTokensEndpoint,
  getToken: getTokenEndpoint,
  getPush: getPushEndpoint,
  listFindings: listFindingsEndpoint,
  ...REVIEW_OPERATIONS,
  listAuditEvents: auditEndpoint,
  listApiKeys: listApiKeysEndpoint,
  createApiKey: createApiKeyEndpoint,
  getApiKey: getApiKeyEndpoint,
  revokeApiKey: revokeApiKeyEndpoint,
  ...WRITE_OPERATIONS,
  ...INCIDENT_OPERATIONS,
};

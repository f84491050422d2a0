// REST API v1: access reviews, read (issue 15's campaigns). The same domain queries as the Access
// reviews pages (lib/domain/reviews/*), with the caller's RequestContext: admins and reviewers read
// every campaign; an onboarder is refused (403), and the refusal is on the audit log like a refused
// visit to the pages. Signing off and closing stay in the dashboard for now.
import 'server-only';
import { z } from 'zod';
import { auditRefusedCampaignRead, getCampaign, listCampaigns } from '@/lib/domain/reviews/campaigns';
import { listCampaignItems, listCampaignTasks } from '@/lib/domain/reviews/items';
import { fail, type ActionResult } from '@/lib/errors';
import { CAMPAIGN_STATE_FILTERS, ITEM_FILTERS } from '@/lib/validations/reviews';
import type { Authenticated } from './authenticate';
import { defineEndpoint, type ApiAnswer } from './endpoint';
import { listSchema, nextCursor, pageOf, paginationQuery } from './pagination';
import { campaignDetailDto, campaignDetailSchema, campaignDto, campaignSchema, reviewItemDto, reviewItemSchema, reviewTaskDto, reviewTaskSchema } from './review-dto';

const campaignParams = z.strictObject({ id: z.uuid().meta({ description: 'The campaign’s id.' }) });

/** A refusal is audited (SECURITY.md L3) before it is answered; any other result passes through. */
async function refusedOr<T>(auth: Authenticated, result: ActionResult<T>): Promise<ActionResult<T>> {
  if (!result.ok && result.error.code === 'forbidden') await auditRefusedCampaignRead(auth.context);
  return result;
}

const badCursor = (message: string): ApiAnswer => fail('invalid_input', message, { cursor: [message] });

export const listCampaignsEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/reviews/campaigns',
  operationId: 'listReviewCampaigns',
  summary: 'List access-review campaigns',
  description: 'Campaigns, open ones first (soonest due), then closed ones (latest closed), as on the Access reviews page. Admins and reviewers.',
  tag: 'Review',
  query: z.strictObject({
    ...paginationQuery,
    state: z.enum(CAMPAIGN_STATE_FILTERS).optional().meta({ description: 'Default `all`.' }),
  }),
  response: { status: 200, schema: listSchema(campaignSchema, 'ReviewCampaignList'), description: 'A page of campaigns.' },
  errors: [400, 403],
  handle: async ({ auth, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const result = await refusedOr(auth, await listCampaigns(auth.context, { state: query.state ?? 'all', page: page.page }, { pageSize: page.limit }));
    if (!result.ok) return result;
    return { ok: true, body: { data: result.data.campaigns.map(campaignDto), total: result.data.total, next_cursor: nextCursor(page.page, page.limit, result.data.total) } };
  },
});

export const getCampaignEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/reviews/campaigns/{id}',
  operationId: 'getReviewCampaign',
  summary: 'Get an access-review campaign',
  description: 'One campaign with its progress: decisions by kind, sign-offs per reviewer, tasks for admins. Its items and their decisions: `GET /api/v1/reviews/campaigns/{id}/items`.',
  tag: 'Review',
  params: campaignParams,
  response: { status: 200, schema: campaignDetailSchema, description: 'The campaign.' },
  errors: [403, 404],
  handle: async ({ auth, params }) => {
    const result = await refusedOr(auth, await getCampaign(auth.context, params.id));
    return result.ok ? { ok: true, body: campaignDetailDto(result.data) } : result;
  },
});

export const listCampaignItemsEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/reviews/campaigns/{id}/items',
  operationId: 'listReviewItems',
  summary: 'List a campaign’s items and decisions',
  description:
    'The machine users under review, as the campaign copied them when it started (roles, owners, token metadata, open findings), each with its sign-off and its task for admins, ordered by project and email. Filtered and searched like the campaign’s page.',
  tag: 'Review',
  params: campaignParams,
  query: z.strictObject({
    ...paginationQuery,
    show: z.enum(ITEM_FILTERS).optional().meta({ description: '`undecided`, `mine` (signed off by the caller) or `all`. Default: `undecided` while the campaign is open, `all` once closed.' }),
    q: z.string().max(100).optional().meta({ description: 'Words in the machine user’s email or the project’s title.' }),
  }),
  response: { status: 200, schema: listSchema(reviewItemSchema, 'ReviewItemList'), description: 'A page of items.' },
  errors: [400, 403, 404],
  handle: async ({ auth, params, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const result = await refusedOr(auth, await listCampaignItems(auth.context, params.id, { show: query.show, q: query.q ?? '', page: page.page }, { pageSize: page.limit }));
    if (!result.ok) return result;
    return { ok: true, body: { data: result.data.items.map(reviewItemDto), total: result.data.total, next_cursor: nextCursor(page.page, page.limit, result.data.total) } };
  },
});

export const listCampaignTasksEndpoint = defineEndpoint({
  method: 'GET',
  path: '/api/v1/reviews/campaigns/{id}/tasks',
  operationId: 'listReviewTasks',
  summary: 'List a campaign’s tasks for admins',
  description: 'The work its `change` and `remove` decisions asked of admins: open ones first (the longest waiting first), then done ones (latest first).',
  tag: 'Review',
  params: campaignParams,
  query: z.strictObject({ ...paginationQuery }),
  response: { status: 200, schema: listSchema(reviewTaskSchema, 'ReviewTaskList'), description: 'A page of tasks.' },
  errors: [400, 403, 404],
  handle: async ({ auth, params, query }) => {
    const page = pageOf(query);
    if ('error' in page) return badCursor(page.error);
    const result = await refusedOr(auth, await listCampaignTasks(auth.context, params.id, { page: page.page, pageSize: page.limit }));
    if (!result.ok) return result;
    return { ok: true, body: { data: result.data.tasks.map(reviewTaskDto), total: result.data.total, next_cursor: nextCursor(page.page, page.limit, result.data.total) } };
  },
});

/** Registered in OPERATIONS (lib/api/operations.ts), in the document's order. */
export const REVIEW_OPERATIONS = {
  listReviewCampaigns: listCampaignsEndpoint,
  getReviewCampaign: getCampaignEndpoint,
  listReviewItems: listCampaignItemsEndpoint,
  listReviewTasks: listCampaignTasksEndpoint,
};

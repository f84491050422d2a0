// Inputs of access reviews and evidence packs: creating, signing off and closing a campaign, marking
// a task done, the pages' URL state, and what an evidence pack covers. Strict objects: an unexpected
// field is an error. Dates are days (YYYY-MM-DD, UTC), as a date input sends them.
import { z } from 'zod';
import { CAMPAIGN_NAME_MAX_LENGTH, REVIEW_NOTE_MAX_LENGTH } from './limits';
import { textSchema } from './text';
import { projectIdSchema } from './users';

export const REVIEW_DECISIONS = ['keep', 'change', 'remove'] as const;
export type ReviewDecisionKind = (typeof REVIEW_DECISIONS)[number];

const NOT_A_TOKEN = 'This looks like a token or a key: never paste one here. Describe the change instead.';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day as midnight UTC, or undefined when the text is not a real day. */
export function parseDay(text: string): Date | undefined {
  const match = DAY.exec(text);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text ? date : undefined;
}

/** Today as midnight UTC. */
export function startOfDayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const daySchema = (label: string) =>
  z
    .string({ error: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .transform((text, ctx) => {
      const day = parseDay(text);
      if (!day) {
        ctx.addIssue({ code: 'custom', message: `Enter ${label} as a date (YYYY-MM-DD).` });
        return z.NEVER;
      }
      return day;
    });

export const campaignIdSchema = z.uuid({ error: 'Unknown campaign.' });
export const reviewItemIdSchema = z.uuid({ error: 'Unknown item.' });

export const createCampaignSchema = z
  .strictObject({
    name: textSchema({ max: CAMPAIGN_NAME_MAX_LENGTH }).pipe(z.string().min(1, 'Give the campaign a name, for example “2027 Q1”.')),
    dueOn: daySchema('the due date'),
    scope: z.enum(['all', 'projects'], { error: 'Choose every project, or some projects.' }),
    projectIds: z.array(projectIdSchema).max(2000).default([]),
  })
  .superRefine((input, ctx) => {
    if (input.scope === 'projects' && input.projectIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['projectIds'], message: 'Choose at least one project, or review every project.' });
    }
    if (input.dueOn < startOfDayUtc()) {
      ctx.addIssue({ code: 'custom', path: ['dueOn'], message: 'The due date is in the past: choose today or a later day.' });
    }
  })
  .transform((input) => ({ ...input, projectIds: input.scope === 'all' ? [] : [...new Set(input.projectIds)].sort() }));
export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;

export const signOffSchema = z
  .strictObject({
    itemId: reviewItemIdSchema,
    decision: z.enum(REVIEW_DECISIONS, { error: 'Choose keep, change or remove.' }),
    note: textSchema({ max: REVIEW_NOTE_MAX_LENGTH, multiline: true, tokenLike: 'refused-strictly', tokenLikeMessage: NOT_A_TOKEN }).default(''),
  })
  .superRefine((input, ctx) => {
    if (input.decision !== 'keep' && input.note === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: input.decision === 'change' ? 'Say what should change: an admin acts on it.' : 'Say why it should be removed: an admin acts on it.',
      });
    }
  })
  .transform((input) => ({ ...input, note: input.note === '' ? null : input.note }));
export type SignOffInput = z.infer<typeof signOffSchema>;

export const closeCampaignSchema = z.strictObject({
  campaignId: campaignIdSchema,
  confirm: z.literal('yes', { error: 'Confirm that closing freezes the campaign: no decision can change after it.' }),
});

export const completeTaskSchema = z.strictObject({ itemId: reviewItemIdSchema });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  // A hand-edited URL falls back to the default rather than an error page.
  z.enum(values).catch(fallback);

export const CAMPAIGN_STATE_FILTERS = ['all', 'open', 'closed'] as const;

/** The campaigns list's URL (`?state=&page=`). Never fails: bad values fall back. */
export const campaignListQuerySchema = z.object({
  state: oneOf(CAMPAIGN_STATE_FILTERS, 'all').default('all'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type CampaignListQuery = z.infer<typeof campaignListQuerySchema>;

export const ITEM_FILTERS = ['undecided', 'mine', 'all'] as const;
export type ItemFilter = (typeof ITEM_FILTERS)[number];

/** A campaign page's URL (`?show=&q=&page=`); without `show`, the page picks by the campaign's state. */
export const campaignItemsQuerySchema = z.object({
  show: z.enum(ITEM_FILTERS).optional().catch(undefined),
  q: textSchema({ max: 100 }).catch('').default(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type CampaignItemsQuery = z.infer<typeof campaignItemsQuerySchema>;

/** At most ten years in one pack: a typo in a year should not export the whole history by accident. */
export const EVIDENCE_MAX_DAYS = 3660;

/** An evidence pack of the days from `from` to `to` (both included): the range form's fields. */
export const evidenceRangeSchema = z
  .strictObject({ from: daySchema('the first day'), to: daySchema('the last day') })
  .superRefine((input, ctx) => {
    if (input.to < input.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'The last day comes before the first day.' });
    else if ((input.to.getTime() - input.from.getTime()) / 86_400_000 > EVIDENCE_MAX_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `Choose at most ${EVIDENCE_MAX_DAYS} days.` });
    }
  });

/**
 * The page of the range form and the query it is refilled from when the route refuses a post of
 * it (app/api/review/evidence/route.ts): the days as typed, checked again by the page.
 */
export const EVIDENCE_RANGE_FORM_PAGE = '/review/campaigns';
export const EVIDENCE_RANGE_PARAMS = { from: 'evidenceFrom', to: 'evidenceTo' } as const;

const evidenceCampaignSchema = z.strictObject({ campaignId: campaignIdSchema });

/** What an evidence pack covers: a campaign, or the days from `from` to `to` (both included). */
export const evidenceRequestSchema = z.union([evidenceCampaignSchema, evidenceRangeSchema]);
export type EvidenceRequest = z.infer<typeof evidenceRequestSchema>;

/**
 * The schema of the pack a request asks for: a campaign's when it names one, the range's otherwise.
 * Parsed by the one that applies, a refusal is reported on its fields (`to`: "The last day comes
 * before the first day") rather than as the union's "Invalid input" on the whole form.
 */
export function evidenceSchemaFor(rawInput: unknown): typeof evidenceCampaignSchema | typeof evidenceRangeSchema {
  return typeof rawInput === 'object' && rawInput !== null && 'campaignId' in rawInput ? evidenceCampaignSchema : evidenceRangeSchema;
}

'use server';
// Server actions of access reviews. Each one is a public POST endpoint (STYLE.md habit 2): the caller
// comes from the verified session (asSignedInUser), and the domain authorizes, validates, acts and
// audits. They take the form's FormData as sent (the forms work before hydration and without
// JavaScript, through useActionState), pick the fields they know once the caller is known (never
// before the session check), and answer with a typed result.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { Action } from '@/lib/auth/authorize';
import type { RequestContext } from '@/lib/domain/context';
import { closeCampaign, createCampaign } from '@/lib/domain/reviews/campaigns';
import { completeTask, signOff, type SignOffResult } from '@/lib/domain/reviews/sign-off';
import type { ActionResult } from '@/lib/errors';
import { isNativeFormPost } from './document-post';
import { asSignedInUser } from './signed-in';
import { withSubmittedValues } from './submitted-values';

/** What a form shows: nothing yet, or the last answer. */
export type FormState<T> = ActionResult<T> | null;

function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** Changes show on every page of the area (the list's progress bars, the campaign, its tasks). */
async function inReviewArea<T>(action: Action, form: unknown, run: (context: RequestContext) => Promise<ActionResult<T>>, alsoRevalidate?: () => string | undefined): Promise<ActionResult<T>> {
  return asSignedInUser(
    action,
    async (context) => {
      const result = await run(context);
      if (result.ok) {
        revalidatePath('/review/campaigns', 'layout');
        const path = alsoRevalidate?.();
        if (path) revalidatePath(path);
      }
      return result;
    },
    { form },
  );
}

/**
 * Started, the campaign opens: React's call leaves that to the form (it shows the answer first), a
 * native post (no JavaScript) ends in a redirect to it (Post/Redirect/Get), so a reload of the page
 * shown cannot start a second review. A refused start answers the form, which shows what was sent.
 */
export async function createCampaignAction(_previous: FormState<{ campaignId: string; items: number }>, form: FormData): Promise<ActionResult<{ campaignId: string; items: number }>> {
  const result = await inReviewArea('campaign.create', form, async (context) =>
    withSubmittedValues(
      form,
      ['name', 'dueOn', 'scope', 'projectIds'],
      await createCampaign(context, {
        name: field(form, 'name'),
        dueOn: field(form, 'dueOn'),
        scope: field(form, 'scope'),
        projectIds: form.getAll('projectIds').filter((value): value is string => typeof value === 'string'),
      }),
    ),
  );
  // Outside the wrapper, which would take the redirect for an unexpected error.
  if (result.ok && (await isNativeFormPost())) redirect(`/review/campaigns/${result.data.campaignId}`);
  return result;
}

/**
 * The answer names the item it is for: one form state serves every item's form on a campaign's page,
 * and the page (not the item's card, which a decision takes off the undecided list) confirms it.
 */
export type SignOffAnswer = ActionResult<SignOffResult> & { itemId: string };

export async function signOffAction(_previous: SignOffAnswer | null, form: FormData): Promise<SignOffAnswer> {
  let itemId = '';
  const result = await inReviewArea('campaign.sign_off', form, async (context) => {
    itemId = field(form, 'itemId') ?? '';
    return withSubmittedValues(form, ['decision', 'note'], await signOff(context, { itemId, decision: field(form, 'decision'), note: field(form, 'note') ?? '' }));
  });
  return { ...result, itemId };
}

export async function closeCampaignAction(_previous: FormState<{ closedAt: string; undecided: number }>, form: FormData): Promise<ActionResult<{ closedAt: string; undecided: number }>> {
  return inReviewArea('campaign.close', form, (context) => closeCampaign(context, { campaignId: field(form, 'campaignId'), confirm: field(form, 'confirm') }));
}

export async function completeTaskAction(_previous: FormState<{ doneAt: string }>, form: FormData): Promise<ActionResult<{ doneAt: string }>> {
  // The task shows on its machine user's page too.
  const machineUserPage = () => {
    const machineUserId = field(form, 'machineUserId');
    return machineUserId && /^[0-9a-f-]{36}$/.test(machineUserId) ? `/machine-users/${machineUserId}` : undefined;
  };
  return inReviewArea('campaign.complete_task', form, (context) => completeTask(context, { itemId: field(form, 'itemId') }), machineUserPage);
}

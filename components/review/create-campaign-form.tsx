'use client';
// Starting an access review. A real form (useActionState with the server action): it works before
// hydration and without JavaScript, where the action itself redirects to the new campaign; with
// JavaScript the form opens it once it exists.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Alert } from '@/components/ui/alert';
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { submittedDefaults } from '@/components/ui/submitted-values';
import { createCampaignAction } from '@/lib/actions/reviews';
import { CAMPAIGN_NAME_MAX_LENGTH } from '@/lib/validations/limits';
import { useVendor } from '@/components/vendor-context';

export interface ScopeChoice {
  id: string;
  title: string;
  /** Machine users a campaign would copy from it today. */
  machineUsers: number;
}

const START_REVIEW_ANCHOR = 'start-review';

export function CreateCampaignForm({ projects, defaultDueOn, minDueOn }: { projects: ScopeChoice[]; defaultDueOn: string; minDueOn: string }) {
  const { productName } = useVendor();
  const router = useRouter();
  const [state, formAction, isPending] = useAnchoredActionState(createCampaignAction, null, START_REVIEW_ANCHOR);
  const error = state && !state.ok ? state.error : undefined;
  const created = state?.ok ? state.data : undefined;
  const sent = submittedDefaults(state);

  useEffect(() => {
    if (created) router.push(`/review/campaigns/${created.campaignId}`);
  }, [created, router]);

  const projectErrors = fieldErrorsFor(error, 'projectIds');
  return (
    <form action={formAction} aria-label="Start an access review" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Name" name="name" defaultValue={sent.text('name')} required maxLength={CAMPAIGN_NAME_MAX_LENGTH} placeholder="2027 Q1" autoComplete="off" errors={fieldErrorsFor(error, 'name')} />
        <TextField label="Due date" name="dueOn" type="date" required defaultValue={sent.text('dueOn', defaultDueOn)} min={minDueOn} errors={fieldErrorsFor(error, 'dueOn')} />
      </div>
      <fieldset className="space-y-2" aria-describedby={projectErrors ? 'campaign-scope-error' : undefined}>
        <legend className="text-sm font-medium text-slate-900">Scope</legend>
        <label className="flex items-baseline gap-2 text-sm text-slate-900">
          <input type="radio" name="scope" value="all" defaultChecked={sent.checked('scope', 'all', true)} className="size-4 accent-indigo-700" />
          Every project ({projects.length})
        </label>
        <label className="flex items-baseline gap-2 text-sm text-slate-900">
          <input type="radio" name="scope" value="projects" defaultChecked={sent.checked('scope', 'projects', false)} className="size-4 accent-indigo-700" />
          Only the projects ticked below
        </label>
        {projects.length > 0 ? (
          <ul aria-label="Projects in scope" className="max-h-60 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
            {projects.map((project) => (
              <li key={project.id}>
                <label className="flex cursor-pointer flex-wrap items-baseline gap-x-2 rounded px-1 py-1 text-sm text-slate-900 hover:bg-slate-50">
                  <input type="checkbox" name="projectIds" value={project.id} defaultChecked={sent.checked('projectIds', project.id, false)} className="size-4 accent-indigo-700" />
                  <span>{project.title}</span>
                  <span className="text-xs text-slate-700">
                    {project.machineUsers} machine user{project.machineUsers === 1 ? '' : 's'}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-700">Keywarden knows no projects yet: they appear after a sync with {productName}.</p>
        )}
        {projectErrors ? (
          <p id="campaign-scope-error" className="text-sm text-red-700">
            {projectErrors.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <p className="text-sm text-slate-700">
        Starting copies every machine user in scope as it is now — roles, owners, tokens and open findings. Machine users added later are not part of this review.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <Button id={START_REVIEW_ANCHOR} type="submit" disabled={isPending}>
          {isPending ? 'Starting…' : 'Start the review'}
        </Button>
      </div>
      <ErrorSummary error={error} />
      <div aria-live="polite">
        {created ? (
          <Alert tone="success">
            The review has started with {created.items} machine user{created.items === 1 ? '' : 's'}.{' '}
            <Link href={`/review/campaigns/${created.campaignId}`} className="font-medium underline">
              Open it
            </Link>
          </Alert>
        ) : null}
      </div>
    </form>
  );
}

'use client';
// Closing a campaign freezes it: the confirmation is a box to tick in the form itself, so that it
// works without JavaScript too (the server refuses a close without it).
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { closeCampaignAction } from '@/lib/actions/reviews';

export function CloseCampaignForm({ campaignId, name, undecided }: { campaignId: string; name: string; undecided: number }) {
  const [state, formAction, isPending] = useAnchoredActionState(closeCampaignAction, null, 'close-campaign');
  const error = state && !state.ok ? state.error : undefined;
  const confirmErrors = fieldErrorsFor(error, 'confirm');
  return (
    <form action={formAction} aria-label={`Close ${name}`} className="space-y-3">
      <input type="hidden" name="campaignId" value={campaignId} />
      {undecided > 0 ? (
        <Alert tone="warning">
          {undecided} item{undecided === 1 ? ' is' : 's are'} still undecided: closing now records {undecided === 1 ? 'it' : 'them'} as not reviewed.
        </Alert>
      ) : null}
      <label className="flex items-start gap-2 text-sm text-slate-900">
        <input type="checkbox" name="confirm" value="yes" required className="mt-0.5 size-4 accent-indigo-700" aria-invalid={Boolean(confirmErrors)} />
        <span>I understand that closing freezes “{name}”: no decision can be made or changed afterwards. Open tasks stay open.</span>
      </label>
      {confirmErrors ? <p className="text-sm text-red-700">{confirmErrors.join(' ')}</p> : null}
      <Button id="close-campaign" type="submit" variant="danger" disabled={isPending}>
        {isPending ? 'Closing…' : 'Close the campaign'}
      </Button>
      <ErrorSummary error={error} />
    </form>
  );
}

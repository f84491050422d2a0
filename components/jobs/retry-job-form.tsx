'use client';
// "Retry" on a failed job: a real form, so it works without JavaScript too (the page reloads with
// the job gone from the failed list). Retrying is not destructive: it runs the job once more.
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { retryJobAction } from '@/lib/actions/jobs';

export function RetryJobForm({ queue, jobId, label }: { queue: string; jobId: string; label: string }) {
  const [state, formAction, isPending] = useAnchoredActionState(retryJobAction, null, `retry-${jobId}`);
  const error = state && !state.ok ? state.error : undefined;
  if (state?.ok) {
    return (
      <p role="status" className="text-sm text-emerald-800">
        Queued again
      </p>
    );
  }
  return (
    <form action={formAction} aria-label={`Retry ${label}`} className="space-y-2">
      <input type="hidden" name="queue" value={queue} />
      <input type="hidden" name="jobId" value={jobId} />
      <Button id={`retry-${jobId}`} type="submit" variant="secondary" size="sm" disabled={isPending}>
        {isPending ? 'Retrying…' : 'Retry'}
      </Button>
      <ErrorSummary error={error} />
    </form>
  );
}

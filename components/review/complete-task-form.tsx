'use client';
// An admin marks a review task done (audited). A one-button form that works without JavaScript.
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { completeTaskAction } from '@/lib/actions/reviews';

export function CompleteTaskForm({ itemId, machineUserId, email }: { itemId: string; machineUserId: string; email: string }) {
  const [state, formAction, isPending] = useAnchoredActionState(completeTaskAction, null, `task-${itemId}`);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={formAction} className="space-y-1">
      <input type="hidden" name="itemId" value={itemId} />
      <input type="hidden" name="machineUserId" value={machineUserId} />
      <Button id={`task-${itemId}`} type="submit" size="sm" variant="secondary" disabled={isPending} aria-label={`Mark the task for ${email} done`}>
        {isPending ? 'Saving…' : 'Mark done'}
      </Button>
      <ErrorSummary error={error} />
    </form>
  );
}

'use client';
// Marks one notification read, or all of them. A real form: it works without JavaScript.
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { markReadAction } from '@/lib/actions/notifications';

export function MarkReadForm({ notificationId, title }: { notificationId?: string; title?: string }) {
  const [state, formAction, isPending] = useAnchoredActionState(markReadAction, null, `read-${notificationId ?? 'all'}`);
  const label = notificationId ? `Mark “${title ?? ''}” read` : 'Mark all read';
  return (
    <form action={formAction} aria-label={label}>
      {notificationId ? <input type="hidden" name="notificationId" value={notificationId} /> : <input type="hidden" name="all" value="true" />}
      <Button id={`read-${notificationId ?? 'all'}`} type="submit" variant="secondary" size="sm" disabled={isPending} aria-label={label}>
        {notificationId ? 'Mark read' : 'Mark all read'}
      </Button>
      <ErrorSummary error={state && !state.ok ? state.error : undefined} />
    </form>
  );
}

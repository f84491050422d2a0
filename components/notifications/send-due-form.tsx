'use client';
// "Send due reminders now" (admins): runs the notification tick the scheduler runs, so the loop can
// be tried at once. Nothing is sent twice: what was already sent for an occurrence is not sent again.
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { sendDueNotificationsAction } from '@/lib/actions/notifications';

export function SendDueForm() {
  const [state, formAction, isPending] = useAnchoredActionState(sendDueNotificationsAction, null, 'send-due');
  return (
    <form action={formAction} aria-label="Send due reminders now" className="space-y-3">
      <Button id="send-due" type="submit" disabled={isPending}>
        {isPending ? 'Sending…' : 'Send due reminders now'}
      </Button>
      <ErrorSummary error={state && !state.ok ? state.error : undefined} />
      <div aria-live="polite">
        {state?.ok ? (
          <Alert tone="success">
            {state.data.created} new notification{state.data.created === 1 ? '' : 's'}; {state.data.emailed} e-mail{state.data.emailed === 1 ? '' : 's'} sent
            {state.data.digests ? `, ${state.data.digests} digest${state.data.digests === 1 ? '' : 's'}` : ''}
            {state.data.failed ? `, ${state.data.failed} failed` : ''}.
          </Alert>
        ) : null}
      </div>
    </form>
  );
}

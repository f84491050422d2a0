'use client';
// The confirmation step of ending sessions: shown by the page when its URL asks to end one (the
// "End session" links), so that it works without JavaScript too. A real form; hydrated, the same
// server action is called with the fields as a plain object.
import Link from 'next/link';
import { startTransition, useActionState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { endOwnSessionsAction, endUserSessionsAction } from '@/lib/actions/account';

/** What the page's confirmation step says and sends. */
export interface SessionsConfirmation {
  /** The action's input, sent as hidden fields. */
  fields: Record<string, string>;
  title: string;
  description: string;
  confirmLabel: string;
}

interface EndSessionsFormProps {
  /** Whose sessions: the caller's own (Account page) or another user's (admins). */
  scope: 'own' | 'user';
  /**
   * Null when what the URL names has ended (or was never there). The step stays on the page after
   * it succeeds, when the re-rendered page no longer lists the session: it says what was done.
   */
  confirmation: SessionsConfirmation | null;
  /** Where Cancel (and, afterwards, Back) leads: the page without the confirmation. */
  returnHref: string;
}

function endedText(count: number): string {
  return count === 1 ? 'The session was ended: its browser is signed out at its next request.' : `${count} sessions were ended: their browsers are signed out at their next request.`;
}

export function EndSessionsForm({ scope, confirmation, returnHref }: EndSessionsFormProps) {
  const [state, dispatch, isPending] = useActionState(scope === 'own' ? endOwnSessionsAction : endUserSessionsAction, null);
  const error = state && !state.ok ? state.error : undefined;
  const title = confirmation?.title ?? 'End sessions';

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (confirmation) startTransition(() => dispatch(confirmation.fields));
  }

  const back = (
    <Link href={returnHref} className={buttonClasses('secondary')}>
      Back to the sessions
    </Link>
  );

  return (
    <section id="confirm" aria-labelledby="confirm-title" className="mb-6 scroll-mt-20 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 id="confirm-title" className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      {state?.ok ? (
        <div className="mt-3 space-y-3" aria-live="polite">
          <Alert tone="success">{endedText(state.data.ended)}</Alert>
          {back}
        </div>
      ) : !confirmation ? (
        <div className="mt-3 space-y-3">
          <Alert tone="info">There is nothing left to end: the session has already ended.</Alert>
          {back}
        </div>
      ) : (
        <form action={dispatch} onSubmit={onSubmit} aria-label={title} className="mt-2 space-y-3">
          <p className="text-sm text-slate-800">{confirmation.description}</p>
          {Object.entries(confirmation.fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="danger" disabled={isPending}>
              {isPending ? 'Ending…' : confirmation.confirmLabel}
            </Button>
            <Link href={returnHref} className={buttonClasses('secondary')}>
              Cancel
            </Link>
          </div>
          <ErrorSummary error={error} />
        </form>
      )}
    </section>
  );
}

'use client';
// A confirmation that outlives the control that asked for it. Accepting a risk or deciding an item
// takes its card off the list at once, so a message inside the card would vanish with it, unseen
// and unheard. The notice sits above the list instead: a client component keeps its state when the
// page refreshes from the server.
import { createContext, useContext, useState, type ReactNode } from 'react';
import { Alert } from './alert';
import { Button } from './button';
import { useIsHydrated } from './needs-javascript';

/**
 * With JavaScript, fixed at the bottom of the window (seen wherever the reader has scrolled to) with
 * a button that dismisses it; without, it is in the flow where it stands (nothing could dismiss a
 * fixed one, and it would cover the page's end), and a form whose answer it shows can name its `id`
 * as the fragment the page comes back scrolled to (useAnchoredActionState).
 */
export function PageNotice({ id, message, onDismiss }: { id?: string; message: string; onDismiss: () => void }) {
  const isHydrated = useIsHydrated();
  return (
    <div id={id} aria-live="polite" className={isHydrated ? 'fixed inset-x-4 bottom-4 z-40 mx-auto max-w-lg' : message ? 'mb-4' : undefined}>
      {message ? (
        <div className="flex items-start gap-3 rounded-md bg-white shadow-lg">
          <div className="min-w-0 flex-1">
            <Alert tone="success">{message}</Alert>
          </div>
          {isHydrated ? (
            <Button variant="secondary" size="sm" className="mt-2 mr-2" onClick={onDismiss}>
              Dismiss
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

const PageNoticeContext = createContext<((message: string) => void) | null>(null);

/** Lets the controls inside show a confirmation on the page (usePageNotice). */
export function PageNoticeProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  return (
    <PageNoticeContext value={setMessage}>
      <PageNotice message={message} onDismiss={() => setMessage('')} />
      {children}
    </PageNoticeContext>
  );
}

/** Shows a confirmation on the page (inside a PageNoticeProvider). */
export function usePageNotice(): (message: string) => void {
  const show = useContext(PageNoticeContext);
  if (!show) throw new Error('A control that confirms on the page needs a PageNoticeProvider above it.');
  return show;
}

'use client';
// A confirmation that outlives the control that asked for it. Accepting a risk takes the finding
// off the open list, so a message inside its card would vanish with the card, unseen and unheard.
// The provider sits above the list: a client component keeps its state when the page refreshes
// from the server, so the message stays until it is dismissed or the reader leaves the page.
import { createContext, useContext, useState, type ReactNode } from 'react';
import { Alert } from './alert';
import { Button } from './button';

const PageNoticeContext = createContext<((message: string) => void) | null>(null);

export function PageNoticeProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  return (
    <PageNoticeContext value={setMessage}>
      {children}
      {/* Fixed at the bottom: seen wherever the reader has scrolled to; polite, so it is also heard. */}
      <div aria-live="polite" className="fixed inset-x-4 bottom-4 z-40 mx-auto max-w-lg">
        {message ? (
          <div className="flex items-start gap-3 rounded-md bg-white shadow-lg">
            <div className="min-w-0 flex-1">
              <Alert tone="success">{message}</Alert>
            </div>
            <Button variant="secondary" size="sm" className="mt-2 mr-2" onClick={() => setMessage('')}>
              Dismiss
            </Button>
          </div>
        ) : null}
      </div>
    </PageNoticeContext>
  );
}

/** Shows a confirmation on the page; null outside a PageNoticeProvider. */
export function usePageNotice(): ((message: string) => void) | null {
  return useContext(PageNoticeContext);
}

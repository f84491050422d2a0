'use client';

import { useSyncExternalStore, type ReactNode } from 'react';

const subscribeToNothing = () => () => undefined;

/** False in the server's HTML and until React has hydrated this page; true from then on. */
export function useIsHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}

/**
 * Controls that only work through JavaScript (a dialog with client state, a multi-step wizard,
 * WebAuthn, the clipboard). Without it — JavaScript off, a blocked or slow script — a plain
 * button would do nothing and say nothing. So the controls inside are disabled until React has
 * hydrated them (a disabled fieldset disables every button and field in it), and a visitor
 * without JavaScript reads `notice` instead. `display: contents` keeps the fieldset out of the
 * layout. What is cheap to make work without JavaScript (a one-click action: a real form with a
 * server action) should be that instead of being wrapped in this.
 */
export function NeedsJavaScript({ notice, children }: { /** null only where a notice next to it already says so. */ notice: ReactNode | null; children: ReactNode }) {
  const isHydrated = useIsHydrated();
  return (
    <>
      {/* role="presentation": a wrapper for the disabled state only, not a group a screen reader announces. */}
      <fieldset disabled={!isHydrated} role="presentation" className="contents">
        {children}
      </fieldset>
      {notice === null ? null : (
        // A row of its own where it sits among buttons in a wrapping flex row (a page's actions).
        <noscript className="basis-full">
          <p className="text-sm text-amber-900">{notice}</p>
        </noscript>
      )}
    </>
  );
}

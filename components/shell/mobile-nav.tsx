'use client';

import { useId, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { useIsHydrated } from '@/components/ui/needs-javascript';
import { cn } from '@/lib/utils';

const toggleClasses = cn(
  'inline-flex cursor-pointer items-center gap-1.5 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm font-medium text-slate-900 hover:bg-slate-100',
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700',
);

// Drops down over the page from under the header (the header is the positioned ancestor).
const panelClasses = 'absolute inset-x-2 top-full z-40 mt-1 shadow-lg';

function MenuIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
      <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z" />
    </svg>
  );
}

/**
 * The navigation on a narrow screen, folded behind a Menu button (aria-expanded, aria-controls;
 * Escape closes it and gives focus back; choosing a link closes it). Before hydration, or without
 * JavaScript, the same panel is a native <details>, so the menu opens all the same.
 */
export function MobileNav({ children, className }: { children: ReactNode; className?: string }) {
  const isHydrated = useIsHydrated();
  const [isOpen, setIsOpen] = useState(false);
  const panelId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);

  if (!isHydrated) {
    return (
      <details className={cn('group', className)}>
        <summary className={cn(toggleClasses, 'list-none [&::-webkit-details-marker]:hidden')}>
          <MenuIcon />
          Menu
        </summary>
        <div className={panelClasses}>{children}</div>
      </details>
    );
  }

  function closeOnEscape(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'Escape' || !isOpen) return;
    event.stopPropagation();
    setIsOpen(false);
    buttonRef.current?.focus();
  }

  function closeOnNavigation(event: MouseEvent<HTMLDivElement>) {
    if ((event.target as HTMLElement).closest('a')) setIsOpen(false);
  }

  return (
    <div className={className} onKeyDown={closeOnEscape}>
      <button ref={buttonRef} type="button" className={toggleClasses} aria-expanded={isOpen} aria-controls={panelId} onClick={() => setIsOpen((open) => !open)}>
        <MenuIcon />
        Menu
      </button>
      <div id={panelId} hidden={!isOpen} className={panelClasses} onClick={closeOnNavigation}>
        {children}
      </div>
    </div>
  );
}

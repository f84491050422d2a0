import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Truncated } from '@/components/ui/truncated';
import type { Actor } from '@/lib/auth/authorize';
import type { ThemePreference } from '@/lib/theme/preference';
import { cn } from '@/lib/utils';
import { MobileNav } from './mobile-nav';
import { NavLinks, type NavItem } from './nav-links';
import { SignOutButton } from './sign-out-button';
import { ThemeToggle } from './theme-toggle';

/** The areas of the product; an area a role cannot use is not offered to it. */
export function navigationFor(role: Actor['role']): NavItem[] {
  return [
    { href: '/', label: 'Overview' },
    { href: '/projects', label: 'Projects' },
    { href: '/machine-users', label: 'Machine users' },
    { href: '/tokens', label: 'Tokens' },
    { href: '/review', label: 'Review' },
    ...(role === 'onboarder' ? [] : [{ href: '/audit', label: 'Audit' }]),
    ...(role === 'onboarder' ? [] : [{ href: '/incidents', label: 'Incidents' }]),
    ...(role === 'onboarder' ? [] : [{ href: '/users', label: 'Users' }]),
    { href: '/settings', label: 'Settings' },
  ];
}

function Brand({ className }: { className?: string }) {
  return (
    <Link href="/" className={cn('rounded-sm font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-offset-2', className)}>
      Keywarden
    </Link>
  );
}

/**
 * The dashboard's frame. From md up: a sidebar with the navigation. Below: a header with the name,
 * the Menu button and the account, the navigation folded into the menu (components/shell/mobile-nav).
 */
/**
 * The bell: the signed-in user's unread notifications, a link to the Notifications page (no
 * JavaScript needed; the list and "mark read" are there).
 */
function NotificationBell({ unreadCount }: { unreadCount: number }) {
  const label = unreadCount === 0 ? 'Notifications, none unread' : `Notifications, ${unreadCount} unread`;
  return (
    <Link
      href="/notifications"
      aria-label={label}
      title={label}
      className="relative inline-flex shrink-0 items-center rounded-md p-1 text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {unreadCount > 0 ? (
        <span aria-hidden="true" className="ml-0.5 rounded-full bg-red-700 px-1 text-xs font-semibold text-white">
          {unreadCount > 99 ? '99+' : unreadCount}
        </span>
      ) : null}
    </Link>
  );
}

export function AppShell({ actor, theme, unreadCount = 0, children }: { actor: Actor; theme: ThemePreference; unreadCount?: number; children: ReactNode }) {
  const items = navigationFor(actor.role);
  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <div className="hidden w-56 shrink-0 flex-col gap-6 bg-shell px-3 py-5 md:flex">
        <Brand className="px-3 text-lg text-shell-text focus-visible:outline-indigo-300" />
        <nav aria-label="Main">
          <NavLinks items={items} />
        </nav>
        <div className="mt-auto px-3">
          <ThemeToggle theme={theme} />
        </div>
      </div>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="relative flex items-center gap-2 border-b border-slate-200 bg-white px-4 py-3 md:justify-end md:px-6">
          <MobileNav className="md:hidden">
            <div className="space-y-3 rounded-md bg-shell p-3">
              <p className="px-3 text-sm text-shell-text sm:hidden">
                Signed in as <Truncated value={actor.email} /> ({actor.role}) ·{' '}
                <Link href="/account" className="rounded-sm underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-300">
                  Account
                </Link>
              </p>
              <nav aria-label="Main">
                <NavLinks items={items} />
              </nav>
              <ThemeToggle theme={theme} />
            </div>
          </MobileNav>
          <Brand className="text-base text-slate-900 focus-visible:outline-indigo-700 md:hidden" />
          <div className="ml-auto flex min-w-0 items-center gap-2 sm:gap-3 md:ml-0">
            {/* On a phone the address and the role are in the menu: the header keeps the name, the bell and Sign out. */}
            <Link
              href="/account"
              title="Your account: password and sessions"
              className="hidden min-w-0 rounded-sm hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700 sm:inline"
            >
              <Truncated value={actor.email} maxWidth="max-w-xs" className="text-sm text-slate-800" />
            </Link>
            <NotificationBell unreadCount={unreadCount} />
            <span className="hidden sm:inline-flex">
              <Badge tone="indigo">{actor.role}</Badge>
            </span>
            <SignOutButton />
          </div>
        </header>
        {/* Nothing inside may widen the page on a narrow screen: long words wrap, grid cells may
            shrink (their min-content would otherwise set the width), tables scroll in their card. */}
        <main id="main" className="min-w-0 flex-1 px-4 py-6 [overflow-wrap:anywhere] md:px-6 md:py-8 [&_.grid>*]:min-w-0">
          {children}
        </main>
      </div>
    </div>
  );
}

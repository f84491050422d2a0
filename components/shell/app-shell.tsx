import type { ReactNode } from 'react';
import type { Actor } from '@/lib/auth/authorize';
import { Badge } from '@/components/ui/badge';
import { NavLinks, type NavItem } from './nav-links';
import { SignOutButton } from './sign-out-button';

/** The areas of the product; an area a role cannot use is not offered to it. */
export function navigationFor(role: Actor['role']): NavItem[] {
  return [
    { href: '/', label: 'Overview' },
    { href: '/projects', label: 'Projects' },
    { href: '/machine-users', label: 'Machine users' },
    { href: '/tokens', label: 'Tokens' },
    { href: '/review', label: 'Review' },
    ...(role === 'onboarder' ? [] : [{ href: '/audit', label: 'Audit' }]),
    ...(role === 'onboarder' ? [] : [{ href: '/users', label: 'Users' }]),
    { href: '/settings', label: 'Settings' },
  ];
}

export function AppShell({ actor, children }: { actor: Actor; children: ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <nav aria-label="Main" className="w-56 shrink-0 bg-slate-900 px-3 py-5">
        <p className="mb-6 px-3 text-lg font-semibold tracking-tight text-white">Keywarden</p>
        <NavLinks items={navigationFor(actor.role)} />
      </nav>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-end gap-3 border-b border-slate-200 bg-white px-6 py-3">
          <span className="text-sm text-slate-800">{actor.email}</span>
          <Badge tone="indigo">{actor.role}</Badge>
          <SignOutButton />
        </header>
        <main id="main" className="flex-1 px-6 py-8">
          {children}
        </main>
      </div>
    </div>
  );
}

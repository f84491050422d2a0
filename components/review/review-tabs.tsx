// The reviewer's workspace is one area with four views; this bar names them on every page of it.
// A server component: plain links, so it works without JavaScript.
import Link from 'next/link';
import { cn } from '@/lib/utils';

export type ReviewTab = 'findings' | 'inventory' | 'campaigns' | 'policy';

const TABS: { id: ReviewTab; href: string; label: string }[] = [
  { id: 'findings', href: '/review', label: 'Findings' },
  { id: 'inventory', href: '/review/inventory', label: 'Inventory' },
  { id: 'campaigns', href: '/review/campaigns', label: 'Access reviews' },
  { id: 'policy', href: '/review/policy', label: 'Policy' },
];

export function ReviewTabs({ current }: { current: ReviewTab }) {
  return (
    // The tabs wrap rather than scroll: a scrolling bar cut the last tab short on a phone and clipped
    // every tab's focus ring (a box that scrolls one way clips the other way too).
    <nav aria-label="Review" className="mb-6 border-b border-slate-200">
      <ul className="flex flex-wrap gap-x-1">
        {TABS.map((tab) => (
          <li key={tab.id}>
            <Link
              href={tab.href}
              aria-current={tab.id === current ? 'page' : undefined}
              className={cn(
                '-mb-px block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap',
                'focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-500',
                tab.id === current ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-700 hover:border-slate-300 hover:text-slate-900',
              )}
            >
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

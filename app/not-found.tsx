import type { Metadata } from 'next';
import { NotFoundView } from '@/components/shell/not-found-view';

export const metadata: Metadata = { title: 'Page not found' };

/** A 404 outside the dashboard (e.g. under /api): the same words, without the shell. */
export default function NotFound() {
  return (
    <main id="main" className="px-4">
      <NotFoundView />
    </main>
  );
}

import type { Metadata } from 'next';
import { NotFoundView } from '@/components/shell/not-found-view';

export const metadata: Metadata = { title: 'Page not found' };

/** A missing record or an unknown address, for a signed-in person: inside the app shell. */
export default function DashboardNotFound() {
  return <NotFoundView />;
}

import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';

/** What a missing page says, inside the app shell or on its own. */
export function NotFoundView() {
  return (
    <section className="mx-auto max-w-prose py-12 text-center">
      <p className="text-sm font-semibold text-indigo-800">404</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">Page not found</h1>
      <p className="mt-3 text-sm text-slate-700">
        There is nothing at this address: the link may be old, or what it pointed to was removed. Everything Keywarden manages is reachable from the navigation.
      </p>
      <div className="mt-6">
        <Link href="/" className={buttonClasses('primary')}>
          Go to the overview
        </Link>
      </div>
    </section>
  );
}

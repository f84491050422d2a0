import type { Metadata } from 'next';
import { PageNotFound } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Page not found' };

// Any address no other route claims lands here, inside the dashboard layout (which asks for a
// session first), so that the 404 is shown in the app shell rather than on a bare page.
export default function MissingPage() {
  return <PageNotFound />;
}

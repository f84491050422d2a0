import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { ForbiddenView } from '@/components/shell/forbidden-view';
import { REQUESTED_PATH_HEADER } from '@/lib/auth/callback-url';

export const metadata: Metadata = { title: 'No access' };

/**
 * A page the role may not see, for a signed-in person: the page called forbidden() (after auditing
 * the refusal), so the answer is an HTTP 403, with the page's own explanation inside the app shell.
 */
export default async function DashboardForbidden() {
  // Set by proxy.ts on every request: the path asked for (this view is rendered in its place).
  const requested = (await headers()).get(REQUESTED_PATH_HEADER) ?? '';
  return <ForbiddenView path={requested.split('?')[0] ?? ''} />;
}

// What a page renders in place of itself when it answers 404 or 403 (lib/http/page-status.ts says
// why pages do not throw Next's notFound()/forbidden()): the views the app's not-found files show,
// inside the app shell and server-rendered, so that they read the same without JavaScript.
import 'server-only';
import { headers } from 'next/headers';
import { ForbiddenView } from '@/components/shell/forbidden-view';
import { NotFoundView } from '@/components/shell/not-found-view';
import { REQUESTED_PATH_HEADER } from '@/lib/auth/callback-url';
import { answerPageWithStatus } from '@/lib/http/page-status';

/** A missing record or an unknown address: an HTTP 404 with the app's "Page not found". */
export function PageNotFound() {
  answerPageWithStatus(404);
  return <NotFoundView />;
}

/** A page the role may not see (the page audited the refusal): an HTTP 403 with the page's own explanation. */
export async function PageForbidden() {
  answerPageWithStatus(403);
  // Set by proxy.ts on every request: the path asked for (this view is rendered in its place).
  const requested = (await headers()).get(REQUESTED_PATH_HEADER) ?? '';
  return <ForbiddenView path={requested.split('?')[0] ?? ''} />;
}

'use client';

import type { ComponentProps, ReactNode } from 'react';
import { NeedsJavaScript } from './needs-javascript';

/**
 * Every form that can carry a token or a password (SECURITY.md A7). Submitted before React has
 * hydrated it — a slow script, a blocked one, JavaScript off — a plain <form> would send a GET and
 * put the secret in the URL: in history, proxy logs, the Referer of the page's own assets. So this
 * one is `method="post"` (a native submission never builds a query string), and its controls are
 * disabled until hydration (NeedsJavaScript), so nothing can be typed or submitted before the
 * onSubmit handler exists.
 */
type SecretFormProps = Omit<ComponentProps<'form'>, 'method' | 'action'> & {
  /** What a visitor without JavaScript reads instead of a form that silently does nothing. */
  noScriptNotice?: ReactNode;
};

export function SecretForm({
  children,
  noScriptNotice = 'This form needs JavaScript: without it, it stays disabled so that a token can never travel in a web address.',
  ...props
}: SecretFormProps) {
  return (
    <form method="post" autoComplete="off" {...props}>
      <NeedsJavaScript notice={noScriptNotice}>{children}</NeedsJavaScript>
    </form>
  );
}

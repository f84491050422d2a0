// SECURITY.md A7: no page renders a secret-looking query parameter back. A form submitted before
// hydration (or by a careless bookmarklet, or a link someone pasted) may put a token or a password
// in the URL; the server answers such a GET with a redirect to the same address without those
// parameters, and never renders the page (whose HTML and RSC payload would carry the URL).
import { looksLikeToken } from '@/lib/validations/text';

/** Parameter names that say they hold a secret. No page of Keywarden uses one for anything else. */
const SECRET_NAME = /token|passw|secret|credential|api[-_]?key/i;

/**
 * On a page, a parameter is also secret by its value: a token pasted into a search box (`?q=…`)
 * has the shape free text refuses (lib/validations/text.ts), and no parameter a page gives out
 * (ids, slugs, dates, sorts) has it. The REST API is left to refuse such a value itself (400):
 * a script sent on to an unfiltered list would take it for the answer to its query.
 */
function isSecretParameter(url: URL, name: string, value: string): boolean {
  return SECRET_NAME.test(name) || (!url.pathname.startsWith('/api/') && looksLikeToken(value));
}

/** The URL without its secret parameters, or null when it has none. */
export function withoutSecretParameters(url: URL): URL | null {
  const secretNames = new Set<string>();
  for (const [name, value] of url.searchParams) if (isSecretParameter(url, name, value)) secretNames.add(name);
  if (secretNames.size === 0) return null;
  const cleaned = new URL(url);
  for (const name of secretNames) cleaned.searchParams.delete(name);
  return cleaned;
}

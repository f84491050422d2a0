// SECURITY.md A7: no page renders a secret-looking query parameter back. A form submitted before
// hydration (or by a careless bookmarklet, or a link someone pasted) may put a token or a password
// in the URL; the server answers such a GET with a redirect to the same address without those
// parameters, and never renders the page (whose HTML and RSC payload would carry the URL).

/** Parameter names that say they hold a secret. No page of Keywarden uses one for anything else. */
const SECRET_NAME = /token|passw|secret|credential|api[-_]?key/i;

/** The URL without its secret-named parameters, or null when it has none. */
export function withoutSecretParameters(url: URL): URL | null {
  const names = [...new Set([...url.searchParams.keys()])];
  const secretNames = names.filter((name) => SECRET_NAME.test(name));
  if (secretNames.length === 0) return null;
  const cleaned = new URL(url);
  for (const name of secretNames) cleaned.searchParams.delete(name);
  return cleaned;
}

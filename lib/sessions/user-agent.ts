// A session's browser and operating system in words, from the User-Agent stored at sign-in. For
// people recognising their own devices only: the header is whatever the client sent, so it is
// never used to decide anything.
import Bowser from 'bowser';

/** Longer User-Agent strings are cut before they are stored (real ones are a few hundred characters). */
export const USER_AGENT_MAX_LENGTH = 512;

export function storedUserAgent(header: string | null | undefined): string | null {
  const value = header?.trim();
  return value ? value.slice(0, USER_AGENT_MAX_LENGTH) : null;
}

/** "Firefox 133 on Linux", "Safari on iOS 18.1", or "Unknown browser" when nothing is recognised. */
export function describeUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown browser';
  const { browser, os } = Bowser.parse(userAgent);
  const majorVersion = browser.version?.split('.')[0];
  const browserText = browser.name ? [browser.name, majorVersion].filter(Boolean).join(' ') : null;
  const osText = os.name ? [os.name, os.versionName ?? os.version].filter(Boolean).join(' ') : null;
  if (browserText && osText) return `${browserText} on ${osText}`;
  return browserText ?? (osText ? `Unknown browser on ${osText}` : 'Unknown browser');
}

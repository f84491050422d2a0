// The colour theme a person chose in the app: "light", "dark", or "system" (no choice, follow the
// operating system's prefers-color-scheme). Kept in a cookie of their browser and read on the
// server, so that <html> is rendered with its theme class: no flash, no inline script (the CSP
// allows scripts by nonce only). A display preference, not a secret and not an authorization.
import { z } from 'zod';

export const THEME_COOKIE = 'keywarden.theme';

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEMES)[number];

export const themePreferenceSchema = z.enum(THEMES);

/** The preference a cookie value stands for; anything unknown means "system". */
export function themeFromCookie(value: string | undefined): ThemePreference {
  const parsed = themePreferenceSchema.safeParse(value);
  return parsed.success ? parsed.data : 'system';
}

/** The class <html> carries: none for "system" (the stylesheet's media query decides). */
export function htmlThemeClass(theme: ThemePreference): string | undefined {
  return theme === 'system' ? undefined : theme;
}

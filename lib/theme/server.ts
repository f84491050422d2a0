// Reads the theme preference of the current request (server components only).
import 'server-only';
import { cookies } from 'next/headers';
import { THEME_COOKIE, themeFromCookie, type ThemePreference } from './preference';

export async function currentThemePreference(): Promise<ThemePreference> {
  return themeFromCookie((await cookies()).get(THEME_COOKIE)?.value);
}

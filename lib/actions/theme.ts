'use server';
// Choosing the colour theme: sets the caller's own theme cookie and nothing else. Open to anyone
// (a display preference of one browser, no data and no rights involved); the form works before
// hydration and without JavaScript, as a native POST of a server action.
import { cookies } from 'next/headers';
import { getConfig } from '@/lib/config';
import { THEME_COOKIE, themePreferenceSchema } from '@/lib/theme/preference';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export async function chooseThemeAction(formData: FormData): Promise<void> {
  // Anyone may call it with any arguments (its id is in the page's script): anything but a form
  // chooses nothing, instead of a TypeError answered with a 500 and logged at error level.
  if (!(formData instanceof FormData)) return;
  const parsed = themePreferenceSchema.safeParse(formData.get('theme'));
  if (!parsed.success) return;
  const store = await cookies();
  if (parsed.data === 'system') {
    store.delete(THEME_COOKIE);
    return;
  }
  store.set(THEME_COOKIE, parsed.data, {
    path: '/',
    sameSite: 'lax',
    httpOnly: true,
    secure: getConfig().publicUrl.protocol === 'https:',
    maxAge: ONE_YEAR_SECONDS,
  });
}

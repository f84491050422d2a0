'use server';
// "Sign out" as a real form: it works before hydration and without JavaScript (a native POST of a
// server action, which Next refuses from another origin; the session cookie is SameSite=Lax too),
// and ends the session on the server, not just in this browser.
import { redirect } from 'next/navigation';
import { endCurrentSession } from '@/lib/auth/session';

export async function signOutAction(): Promise<never> {
  await endCurrentSession();
  redirect('/sign-in');
}

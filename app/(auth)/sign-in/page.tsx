import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { getRequestContext } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  if (await getRequestContext()) redirect('/');
  const { error } = await searchParams;
  return (
    <>
      <h1 className="mb-6 text-lg font-semibold text-slate-900">Sign in</h1>
      <SignInForm ssoName={getConfig().oidc?.displayName} initialError={typeof error === 'string' ? error : undefined} />
    </>
  );
}

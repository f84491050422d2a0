import type { Metadata } from 'next';
import { SetPasswordForm } from '@/components/auth/set-password-form';
import { Alert } from '@/components/ui/alert';
import { completeFirstAdminSetupAction } from '@/lib/actions/accounts';
import { isSetupLinkUsable } from '@/lib/domain/accounts';

export const metadata: Metadata = { title: 'First-run set-up', referrer: 'no-referrer' };

export default async function SetupPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!(await isSetupLinkUsable(token))) {
    return (
      <>
        <h1 className="mb-4 text-lg font-semibold text-slate-900">Set-up link not valid</h1>
        <Alert tone="error">
          This set-up link has expired, has been used, or an admin already exists. Restart Keywarden to print a new link,
          or sign in.
        </Alert>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold text-slate-900">Create the first admin</h1>
      <p className="mb-6 text-sm text-slate-700">
        This link works once and for one hour. The account you create here can invite everyone else.
      </p>
      <SetPasswordForm token={token} submitLabel="Create admin and sign in" submit={completeFirstAdminSetupAction} />
    </>
  );
}

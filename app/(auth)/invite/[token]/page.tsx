import type { Metadata } from 'next';
import { SetPasswordForm } from '@/components/auth/set-password-form';
import { Alert } from '@/components/ui/alert';
import { acceptInvitationAction } from '@/lib/actions/accounts';
import { describeInvitation } from '@/lib/domain/accounts';

export const metadata: Metadata = { title: 'Accept invitation', referrer: 'no-referrer' };

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await describeInvitation(token);
  if (!invitation) {
    return (
      <>
        <h1 className="mb-4 text-lg font-semibold text-slate-900">Invitation not valid</h1>
        <Alert tone="error">This invitation has expired or has been used. Ask a Keywarden admin for a new one.</Alert>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold text-slate-900">Join Keywarden</h1>
      <p className="mb-6 text-sm text-slate-700">
        You were invited as <strong>{invitation.role}</strong>. Choose a password to finish.
      </p>
      <SetPasswordForm token={token} fixedEmail={invitation.email} submitLabel="Set password and sign in" submit={acceptInvitationAction} />
    </>
  );
}

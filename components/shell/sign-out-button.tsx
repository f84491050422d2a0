'use client';

import { SubmitButton } from '@/components/ui/submit-button';
import { signOutAction } from '@/lib/actions/sign-out';

/** A form, not a click handler: signing out works without JavaScript too (lib/actions/sign-out.ts). */
export function SignOutButton() {
  return (
    <form action={signOutAction} className="contents">
      <SubmitButton variant="ghost" size="sm" className="whitespace-nowrap" pendingLabel="Signing out…">
        Sign out
      </SubmitButton>
    </form>
  );
}

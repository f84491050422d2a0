'use client';

import { useFormStatus } from 'react-dom';
import { Button } from '@/components/ui/button';
import { signOutAction } from '@/lib/actions/sign-out';

function SignOutSubmit() {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" variant="ghost" size="sm" className="whitespace-nowrap" disabled={pending}>
      {pending ? 'Signing out…' : 'Sign out'}
    </Button>
  );
}

/** A form, not a click handler: signing out works without JavaScript too (lib/actions/sign-out.ts). */
export function SignOutButton() {
  return (
    <form action={signOutAction} className="contents">
      <SignOutSubmit />
    </form>
  );
}

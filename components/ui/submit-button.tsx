'use client';

import { useFormStatus } from 'react-dom';
import { Button, type ButtonProps } from '@/components/ui/button';

/**
 * A form's submit button that says the form is working while its action runs (and cannot be
 * pressed twice). Inside a plain <form action={serverAction}>: without JavaScript it is an ordinary
 * submit button.
 */
export function SubmitButton({ pendingLabel, children, disabled, ...props }: Omit<ButtonProps, 'type'> & { pendingLabel: string }) {
  const { pending } = useFormStatus();
  return (
    <Button {...props} type="submit" disabled={disabled || pending}>
      {pending ? pendingLabel : children}
    </Button>
  );
}

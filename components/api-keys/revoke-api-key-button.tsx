'use client';
// Revoking an API key, after a confirmation that says what stops working.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { useServerAction } from '@/components/ui/use-server-action';
import { revokeAnyApiKeyAction, revokeOwnApiKeyAction } from '@/lib/actions/api-keys';

export function RevokeApiKeyButton({ keyId, name, prefix, ownerEmail, own }: { keyId: string; name: string; prefix: string; ownerEmail: string; own: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { run, isPending, error, reset } = useServerAction(own ? revokeOwnApiKeyAction : revokeAnyApiKeyAction);

  async function confirm() {
    const result = await run({ keyId });
    if (result.ok) {
      setOpen(false);
      router.refresh();
    }
  }

  return (
    <>
      <NeedsJavaScript notice="Revoking a key needs JavaScript: turn it on for this site, then reload this page.">
        <Button variant="danger" size="sm" onClick={() => setOpen(true)} aria-label={`Revoke ${name}`}>
          Revoke
        </Button>
      </NeedsJavaScript>
      <ConfirmDialog
        open={open}
        title={`Revoke the key “${name}”?`}
        confirmLabel="Revoke key"
        cancelLabel="Keep the key"
        tone="danger"
        pending={isPending}
        onConfirm={confirm}
        onCancel={() => {
          reset();
          setOpen(false);
        }}
      >
        <p className="text-sm text-slate-800">
          The key {prefix}… {own ? '' : `of ${ownerEmail} `}stops working at once: every script or system using it is refused from now on. This cannot be undone; create a new key if
          one is needed.
        </p>
        {error ? (
          <div className="mt-3">
            <Alert tone="error">{error.message}</Alert>
          </div>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

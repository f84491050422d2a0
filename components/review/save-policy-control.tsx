'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ErrorSummary } from '@/components/ui/error-summary';
import { useServerAction } from '@/components/ui/use-server-action';
import { updatePolicyAction } from '@/lib/actions/findings';
import type { Policy } from '@/lib/validations/policy-values';

/** Saves the previewed values, after a confirmation that repeats what the preview said. */
export function SavePolicyControl({ values, summary }: { values: Policy; summary: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { run, isPending, error, reset } = useServerAction(updatePolicyAction);

  async function confirm() {
    const result = await run(values);
    if (result.ok) {
      setOpen(false);
      router.push('/review/policy?saved=1');
    }
  }

  return (
    <div className="space-y-2">
      <NeedsJavaScript notice="Saving the policy needs JavaScript: turn it on for this site, then reload this page.">
        <Button
          onClick={() => {
            reset();
            setOpen(true);
          }}
        >
          Save the policy
        </Button>
      </NeedsJavaScript>
      <ConfirmDialog open={open} title="Save the new policy?" confirmLabel="Save the policy" cancelLabel="Keep the current policy" pending={isPending} onConfirm={() => void confirm()} onCancel={() => setOpen(false)}>
        <div className="space-y-3">
          <p>{summary}</p>
          <p>The findings are recomputed at once. The change is recorded in the audit log with the values before and after.</p>
          <ErrorSummary error={error} />
        </div>
      </ConfirmDialog>
    </div>
  );
}

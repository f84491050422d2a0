'use client';
// Re-apply the approved roles (issue 15 §3): role drift, or an access removed outside Keywarden, set
// back on Platform.sh to what Keywarden recorded. On the Findings view and the machine user's page,
// for those who may change the machine user's roles; a confirmation says what will happen first.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ErrorSummary } from '@/components/ui/error-summary';
import { useServerAction } from '@/components/ui/use-server-action';
import { reapplyMachineUserRolesAction } from '@/lib/actions/machine-users';
import type { StepOutcome } from '@/lib/domain/machine-users/manage';
import { useVendor } from '@/components/vendor-context';

/** `difference`: both sides in one sentence ("Keywarden approved: viewer — Platform.sh has: admin"). */
export function ReapplyRolesControl({ machineUserId, email, difference }: { machineUserId: string; email: string; difference: string }) {
  const { productName } = useVendor();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<StepOutcome>();
  const { run, isPending, error, reset } = useServerAction(reapplyMachineUserRolesAction);

  async function confirm() {
    const result = await run({ machineUserId });
    if (result.ok) {
      setOutcome(result.data);
      setOpen(false);
      router.refresh();
    }
  }

  const tone = outcome?.outcome === 'done' ? 'success' : outcome?.outcome === 'unknown' ? 'warning' : 'error';
  return (
    <div className="space-y-2">
      <NeedsJavaScript notice="Re-applying the roles needs JavaScript: turn it on for this site, then reload this page.">
        <Button
          variant="secondary"
          size="sm"
          aria-label={`Re-apply the approved roles of ${email}`}
          onClick={() => {
            reset();
            setOutcome(undefined);
            setOpen(true);
          }}
        >
          Re-apply the approved roles
        </Button>
      </NeedsJavaScript>
      <div aria-live="polite">{outcome ? <Alert tone={tone}>{outcome.message}</Alert> : null}</div>
      <ConfirmDialog
        open={open}
        title={`Re-apply the approved roles of ${email}?`}
        confirmLabel={`Re-apply on ${productName}`}
        cancelLabel="Leave it as it is"
        pending={isPending}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
      >
        <div className="space-y-3">
          <p>Keywarden sets the machine user’s access on {productName} back to the approved roles, undoing what was changed outside Keywarden:</p>
          <p className="font-medium">{difference}</p>
          <p>The change is recorded in the audit log, and the next sync confirms it.</p>
          <p>If the change on {productName} was intended, cancel and use Change roles on the machine user’s page instead.</p>
          <ErrorSummary error={error} />
        </div>
      </ConfirmDialog>
    </div>
  );
}

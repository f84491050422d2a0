'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { FieldShell, TextField } from '@/components/ui/field';
import { usePageNotice } from '@/components/ui/page-notice';
import { useServerAction } from '@/components/ui/use-server-action';
import { acceptRiskAction } from '@/lib/actions/findings';

const TEXTAREA =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 aria-[invalid=true]:border-red-700';

/**
 * An admin accepts a finding as a risk: why, and until when (at most the policy's maximum). The
 * dialog says what will happen before anything is saved; the acceptance is audited, and the
 * finding shows as open again once the date has passed.
 */
export function AcceptRiskControl({ findingId, title, earliest, latest, maxDays }: { findingId: string; title: string; earliest: string; latest: string; maxDays: number }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(latest);
  const pageNotice = usePageNotice();
  const { run, isPending, error, reset } = useServerAction(acceptRiskAction);

  async function confirm() {
    const result = await run({ findingId, reason, until });
    if (result.ok) {
      setOpen(false);
      // The finding leaves the open list with this card: the page keeps the confirmation.
      pageNotice(`Accepted as a risk until ${until}: ${title}. It is listed under Accepted risks.`);
      router.refresh();
    }
  }

  return (
    <div className="space-y-2">
      <NeedsJavaScript notice="Accepting a risk needs JavaScript: turn it on for this site, then reload this page.">
        <Button
          variant="secondary"
          size="sm"
          aria-label={`Accept the risk: ${title}`}
          onClick={() => {
            reset();
            setOpen(true);
          }}
        >
          Accept risk
        </Button>
      </NeedsJavaScript>
      <ConfirmDialog
        open={open}
        title={`Accept the risk: ${title}?`}
        confirmLabel="Accept the risk"
        cancelLabel="Keep it open"
        pending={isPending}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
      >
        <div className="space-y-3">
          <p>
            The finding leaves the open list until the date you choose, then shows as open again. Your name, the reason and the date are recorded in the
            audit log. The policy allows at most {maxDays} days.
          </p>
          <FieldShell label="Why the risk is accepted" errors={fieldErrorsFor(error, 'reason')} hint="For example: the vendor rotates it in the next release. Never paste a token here.">
            {({ id, describedBy, invalid }) => (
              <textarea
                id={id}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                rows={3}
                maxLength={500}
                required
                aria-describedby={describedBy}
                aria-invalid={invalid}
                className={TEXTAREA}
              />
            )}
          </FieldShell>
          <TextField
            label="Accepted until"
            type="date"
            value={until}
            min={earliest}
            max={latest}
            required
            onChange={(event) => setUntil(event.target.value)}
            errors={fieldErrorsFor(error, 'until')}
            hint={`Between ${earliest} and ${latest}.`}
          />
          <ErrorSummary error={error} />
        </div>
      </ConfirmDialog>
    </div>
  );
}

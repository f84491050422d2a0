'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { FieldShell } from '@/components/ui/field';
import { useServerAction } from '@/components/ui/use-server-action';
import { confirmOnboardingConfigAction, runCronInSandboxAction } from '@/lib/actions/onboarding';

/**
 * "The cron and the build hook are deployed": the API cannot show the deployed configuration, so a
 * person says so, after a confirmation that names what they vouch for. The note is kept and audited.
 */
export function ConfirmConfigControl({ projectId, projectTitle, productionBranch }: { projectId: string; projectTitle: string; productionBranch: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [done, setDone] = useState(false);
  const { run, isPending, error, reset } = useServerAction(confirmOnboardingConfigAction);

  async function confirm() {
    const result = await run({ projectId, note });
    if (result.ok) {
      setOpen(false);
      setNote('');
      setDone(true);
      router.refresh();
    }
  }

  return (
    <div className="space-y-2">
      <NeedsJavaScript notice="Confirming the configuration needs JavaScript: turn it on for this site, then reload this page.">
        <Button
          variant="secondary"
          onClick={() => {
            reset();
            setDone(false);
            setOpen(true);
          }}
        >
          Confirm the cron and build hook are deployed
        </Button>
      </NeedsJavaScript>
      <div aria-live="polite">{done ? <Alert tone="success">Your confirmation is recorded.</Alert> : null}</div>
      <ConfirmDialog
        open={open}
        title={`Confirm the deployed configuration of ${projectTitle}?`}
        confirmLabel="Confirm"
        pending={isPending}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
      >
        <div className="space-y-3">
          <p>
            Confirm only after checking the configuration deployed on {productionBranch}: its build hook installs the CLI, and a cron calls it on production
            only, with --no-wait. Your name and the date are recorded in the checklist and the audit log; a confirmation cannot be withdrawn.
          </p>
          <FieldShell label="What you checked (optional)" errors={fieldErrorsFor(error, 'note')} hint="For example: cron renewcert in .platform.app.yaml, deployed on 2 December. Never paste a token here.">
            {({ id, describedBy, invalid }) => (
              <textarea
                id={id}
                value={note}
                onChange={(event) => setNote(event.target.value)}
                rows={3}
                maxLength={500}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700"
              />
            )}
          </FieldShell>
          <ErrorSummary error={error} />
        </div>
      </ConfirmDialog>
    </div>
  );
}

/** Sandbox mode: the simulator runs the production cron now, with the environment's token. */
export function SandboxCronControl({ projectId }: { projectId: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: 'success' | 'warning'; text: string }>();
  const { run, isPending, error } = useServerAction(runCronInSandboxAction);

  async function runNow() {
    setMessage(undefined);
    const result = await run({ projectId });
    if (result.ok) {
      setMessage({ tone: result.data.isRecorded ? 'success' : 'warning', text: result.data.message });
      router.refresh();
    }
  }

  return (
    <div className="space-y-2">
      <NeedsJavaScript notice="Running the cron needs JavaScript: turn it on for this site, then reload this page.">
        <Button variant="secondary" onClick={() => void runNow()} disabled={isPending}>
          {isPending ? 'Running the cron…' : 'Run the cron now (sandbox)'}
        </Button>
      </NeedsJavaScript>
      <div aria-live="polite" className="space-y-2">
        {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
        <ErrorSummary error={error} />
      </div>
    </div>
  );
}

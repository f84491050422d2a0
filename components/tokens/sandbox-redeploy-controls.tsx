'use client';
// Sandbox mode: the simulator's switch that makes the project's redeploys fail, to see Keywarden
// follow a redeploy after a push and show its failure (issue 20 §2). Folded away: it is for trying
// Keywarden out, not for work.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { useServerAction } from '@/components/ui/use-server-action';
import { useVendor } from '@/components/vendor-context';
import { setSandboxRedeploysAction } from '@/lib/actions/tokens';

export function SandboxRedeployControls({ machineUserId, failing: initiallyFailing }: { machineUserId: string; failing: boolean }) {
  const router = useRouter();
  const vendor = useVendor();
  const [failing, setFailing] = useState(initiallyFailing);
  const [message, setMessage] = useState<string>();
  const toggle = useServerAction(setSandboxRedeploysAction);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(undefined);
    const result = await toggle.run({ machineUserId, fail: !failing });
    if (result.ok) {
      setFailing(result.data.fail);
      setMessage(result.data.message);
    }
    router.refresh();
  }

  return (
    <details className="rounded-md border border-dashed border-slate-300 p-3 text-sm">
      <summary className="cursor-pointer font-medium text-slate-900">Sandbox: make the project’s redeploys fail</summary>
      <p className="mt-2 text-slate-700">
        Setting the token redeploys each environment on {vendor.productName}; Keywarden follows each redeploy and shows how it ended. Now the simulator’s redeploys of this project{' '}
        <strong>{failing ? 'fail' : 'succeed'}</strong>.
      </p>
      <form onSubmit={(event) => void onSubmit(event)} className="mt-2">
        <NeedsJavaScript notice="This needs JavaScript: turn it on for this site, then reload this page.">
          <Button type="submit" size="sm" variant="secondary" disabled={toggle.isPending}>
            {toggle.isPending ? 'Changing…' : failing ? 'Let redeploys succeed' : 'Make redeploys fail'}
          </Button>
        </NeedsJavaScript>
      </form>
      <div aria-live="polite" className="mt-2 space-y-2">
        {message ? <Alert tone="success">{message}</Alert> : null}
        <ErrorSummary error={toggle.error} />
      </div>
    </details>
  );
}

'use client';
// Sandbox mode: make a change on the simulated Platform.sh behind Keywarden's back, to see how drift
// shows after the next sync (issue 15 §3). Folded away: it is for trying Keywarden out, not for work.
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { useServerAction } from '@/components/ui/use-server-action';
import { makeSandboxDriftAction } from '@/lib/actions/machine-users';
import { useVendor } from '@/components/vendor-context';

// The kinds the server accepts (lib/validations/machine-users SANDBOX_DRIFT_KINDS), in words.
const KINDS = [
  { value: 'delete_variable', label: 'Delete its token variable on one environment' },
  { value: 'weaken_variable', label: 'Make its token variable inheritable and disabled' },
  { value: 'add_variable', label: 'Add a hand-set token variable on an environment without one' },
  { value: 'escalate_roles', label: 'Make it project admin' },
  { value: 'remove_member', label: 'Remove it from the project' },
] as const;

export function SandboxDriftControls({ machineUserId }: { machineUserId: string }) {
  const { productName } = useVendor();
  const router = useRouter();
  const selectId = useId();
  const [kind, setKind] = useState<(typeof KINDS)[number]['value']>(KINDS[0].value);
  const [message, setMessage] = useState<string>();
  const drift = useServerAction(makeSandboxDriftAction);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(undefined);
    const result = await drift.run({ machineUserId, kind });
    if (result.ok) setMessage(result.data.message);
    router.refresh();
  }

  return (
    <details className="rounded-md border border-dashed border-slate-300 p-3 text-sm">
      <summary className="cursor-pointer font-medium text-slate-900">Sandbox: change {productName} behind Keywarden’s back</summary>
      <form onSubmit={(event) => void onSubmit(event)} className="mt-3 flex flex-wrap items-end gap-2">
        <NeedsJavaScript notice="This needs JavaScript: turn it on for this site, then reload this page.">
        <div className="flex flex-col gap-1">
          <label htmlFor={selectId} className="text-slate-700">
            Change in the simulator’s Console
          </label>
          <select id={selectId} value={kind} onChange={(event) => setKind(event.target.value as typeof kind)} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-slate-900">
            {KINDS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" size="sm" variant="secondary" disabled={drift.isPending}>
          {drift.isPending ? 'Changing…' : 'Make this change'}
        </Button>
        </NeedsJavaScript>
      </form>
      <div aria-live="polite" className="mt-2 space-y-2">
        {message ? <Alert tone="success">{message}</Alert> : null}
        <ErrorSummary error={drift.error} />
      </div>
    </details>
  );
}

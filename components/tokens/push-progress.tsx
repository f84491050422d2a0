'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import type { PushRunView, PushStepStatus } from '@/lib/domain/tokens/queries';

const STEP_TONES: Record<PushStepStatus, 'neutral' | 'indigo' | 'green' | 'red' | 'amber'> = {
  pending: 'neutral',
  in_progress: 'indigo',
  succeeded: 'green',
  failed: 'red',
  unknown: 'amber',
};
const STEP_LABELS: Record<PushStepStatus, string> = { pending: 'Pending', in_progress: 'In progress', succeeded: 'Set', failed: 'Failed', unknown: 'Unknown (checking)' };

const POLL_MS = 700;

async function fetchPushRun(runId: string | undefined): Promise<PushRunView | null> {
  const response = await fetch(`/api/pushes/${runId}`, { cache: 'no-store' });
  const body = (await response.json()) as { run?: PushRunView | null; message?: string };
  if (!response.ok) throw new Error(body.message ?? `The push could not be read (${response.status}).`);
  return body.run ?? null;
}

/** Follows a push while it runs (the action holding the token is still going) and shows each environment. */
export function usePushRun(runId: string | undefined, live: boolean) {
  return useQuery({
    queryKey: ['push-run', runId],
    enabled: Boolean(runId),
    queryFn: () => fetchPushRun(runId),
    refetchInterval: live ? POLL_MS : false,
  });
}

/**
 * A push found running when the page was rendered — the page was reloaded or opened in another tab
 * while the request holding the token goes on (issue 14.4). It is followed until it ends, then the
 * page is rendered again with the outcome (a finished push, or an interrupted one to resume).
 */
export function RunningPush({ run: initialRun }: { run: PushRunView }) {
  const router = useRouter();
  const { data: run, error } = useQuery({
    queryKey: ['push-run', initialRun.id],
    queryFn: () => fetchPushRun(initialRun.id),
    initialData: initialRun,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? POLL_MS : false),
  });
  const status = run?.status ?? initialRun.status;
  const wasRunning = useRef(initialRun.status === 'running');
  useEffect(() => {
    if (wasRunning.current && status !== 'running') router.refresh();
    wasRunning.current = status === 'running';
  }, [status, router]);
  const shown = run ?? initialRun;
  const done = shown.steps.filter((step) => step.status === 'succeeded').length;
  return (
    <div className="space-y-2 rounded-md border border-indigo-200 bg-indigo-50 p-3">
      <p role="status" className="text-sm font-semibold text-indigo-950">
        {status === 'running'
          ? `A push of …${shown.tokenLastFour} is running: ${done} of ${shown.steps.length} environments set.`
          : `The push of …${shown.tokenLastFour} has ended (${status}).`}
      </p>
      {error ? <p className="text-sm text-red-800">{error.message} Reload the page to see where it stands.</p> : null}
      <PushSteps run={shown} caption="Environments of the running push" />
    </div>
  );
}

export function PushSteps({ run, caption }: { run: PushRunView; caption: string }) {
  const done = run.steps.filter((step) => step.status === 'succeeded').length;
  return (
    <div className="space-y-2">
      <div
        role="progressbar"
        aria-label="Push progress"
        aria-valuemin={0}
        aria-valuemax={run.steps.length}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${run.steps.length} environments set`}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-emerald-600 transition-all" style={{ width: `${run.steps.length ? Math.round((done / run.steps.length) * 100) : 0}%` }} />
      </div>
      <DataTable label="Push steps table" caption={caption} columns={['Environment', 'Type', 'Step', 'Redeploy', 'Notes']}>
        {run.steps.map((step) => (
          <tr key={step.environmentId}>
            <td className="px-3 py-2 font-mono text-sm text-slate-800">{step.environmentId}</td>
            <td className="px-3 py-2 text-sm text-slate-800">{step.environmentType}</td>
            <td className="px-3 py-2 text-sm">
              <Badge tone={STEP_TONES[step.status]}>{STEP_LABELS[step.status]}</Badge>
              {step.operation ? <span className="ml-2 text-xs text-slate-600">{step.operation === 'create' ? 'created' : 'updated'}</span> : null}
            </td>
            <td className="px-3 py-2 text-sm text-slate-800">{step.activityIds.length ? `started (${step.activityIds.length} activit${step.activityIds.length === 1 ? 'y' : 'ies'}, not awaited)` : '—'}</td>
            <td className="px-3 py-2 text-sm text-slate-700">
              {step.replacedForeign ? <div>Replaced a variable Keywarden had not pushed (confirmed).</div> : null}
              {step.error ?? null}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { countOf, formatDateTime } from '@/lib/utils';
import { useVendor } from '@/components/vendor-context';
import type { PushRunView, PushStepStatus, PushStepView } from '@/lib/domain/tokens/queries';
import { isRevocationRun } from './run-kind';

const STEP_TONES: Record<PushStepStatus, 'neutral' | 'indigo' | 'green' | 'red' | 'amber'> = {
  pending: 'neutral',
  in_progress: 'indigo',
  succeeded: 'green',
  failed: 'red',
  unknown: 'amber',
};
const STEP_LABELS: Record<PushStepStatus, string> = { pending: 'Pending', in_progress: 'In progress', succeeded: 'Set', failed: 'Failed', unknown: 'Unknown (checking)' };


function stepLabel(step: Pick<PushStepView, 'status' | 'operation'>): string {
  return step.status === 'succeeded' && step.operation === 'delete' ? 'Deleted' : STEP_LABELS[step.status];
}

const POLL_MS = 700;
/** While a finished push's redeploys are followed in the background, the page reads them this often. */
const REDEPLOY_POLL_MS = 3000;

/** Some redeploy of the push is not known to have ended yet (the background job is still following it). */
export function redeploysGoingOn(run: PushRunView | null | undefined): boolean {
  return Boolean(run?.steps.some((step) => step.redeploy.status === 'waiting' || step.redeploy.status === 'running'));
}

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
    refetchInterval: (query) => (live ? POLL_MS : redeploysGoingOn(query.state.data) ? REDEPLOY_POLL_MS : false),
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
          ? `A push of …${shown.tokenLastFour} is running: ${done} of ${countOf(shown.steps.length, 'environment')} set.`
          : `The push of …${shown.tokenLastFour} has ended (${status}).`}
      </p>
      {error ? <p className="text-sm text-red-800">{error.message} Reload the page to see where it stands.</p> : null}
      <PushSteps run={shown} caption="Environments of the running push" />
    </div>
  );
}

const REDEPLOY_WORDS: Record<PushStepView['redeploy']['status'], string> = {
  none: 'none started',
  waiting: 'started',
  running: 'redeploying',
  succeeded: 'redeployed',
  failed: 'failed',
  unconfirmed: 'not confirmed',
};

/** "2 redeployed, 1 failed": the push's redeploys in a line. */
export function redeploySummary(run: PushRunView): string | null {
  const counts = new Map<string, number>();
  for (const step of run.steps) if (step.status === 'succeeded') counts.set(REDEPLOY_WORDS[step.redeploy.status], (counts.get(REDEPLOY_WORDS[step.redeploy.status]) ?? 0) + 1);
  if (counts.size === 0) return null;
  return [...counts].map(([words, count]) => `${count} ${words}`).join(', ');
}

/**
 * The machine user's last push once it has ended, with its environments' redeploys, read again every
 * few seconds while the background job is still following one of them.
 */
export function LastPush({ run: initialRun, showSteps }: { run: PushRunView; showSteps: boolean }) {
  const { data } = useQuery({
    queryKey: ['push-run', initialRun.id],
    queryFn: () => fetchPushRun(initialRun.id),
    initialData: initialRun,
    refetchInterval: (query) => (redeploysGoingOn(query.state.data) ? REDEPLOY_POLL_MS : false),
  });
  const run = data ?? initialRun;
  const summary = redeploySummary(run);
  const revocation = isRevocationRun(run);
  const environments = run.steps.length === 1 ? '1 environment' : `${run.steps.length} environments`;
  return (
    <div className="space-y-2">
      <p role="status" className="text-sm text-slate-700">
        {revocation ? `Last revocation: …${run.tokenLastFour} deleted from ${environments}` : `Last push: …${run.tokenLastFour} to ${environments}`}, {run.status}
        {run.finishedAt ? `, finished ${formatDateTime(run.finishedAt)}` : ''}.{summary ? ` Redeploys: ${summary}.` : ''}
      </p>
      {showSteps ? <PushSteps run={run} caption={revocation ? 'Environments of the last revocation' : 'Environments of the last push'} /> : null}
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
        aria-valuetext={`${done} of ${countOf(run.steps.length, 'environment')} ${isRevocationRun(run) ? 'cleared' : 'set'}`}
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
              <Badge tone={STEP_TONES[step.status]}>{stepLabel(step)}</Badge>
              {step.operation === 'create' || step.operation === 'update' ? <span className="ml-2 text-xs text-slate-600">{step.operation === 'create' ? 'created' : 'updated'}</span> : null}
            </td>
            <td className="px-3 py-2 text-sm text-slate-800">
              <RedeployCell step={step} />
            </td>
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

/**
 * The redeploy a step started, as the background job last read it (issue 20 §2): "redeploying 40 %",
 * "redeployed", or a failure with the Console's activity log, where Platform.sh says why.
 */
export function RedeployCell({ step }: { step: Pick<PushStepView, 'status' | 'redeploy'> }) {
  const vendor = useVendor();
  const { redeploy } = step;
  const log = redeploy.logUrl ? (
    <a href={redeploy.logUrl} target="_blank" rel="noreferrer" className="text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
      open the activity log on {vendor.productName}
    </a>
  ) : null;
  switch (redeploy.status) {
    case 'none':
      return <span className="text-slate-600">{step.status === 'succeeded' ? 'none started' : '—'}</span>;
    case 'waiting':
      return <span>redeploy started</span>;
    case 'running':
      return <span>redeploying {redeploy.percent ?? 0} %</span>;
    case 'succeeded':
      return <Badge tone="green">redeployed</Badge>;
    case 'failed':
      return (
        <span>
          <Badge tone="red">redeploy failed</Badge> {log ? <>— {log}</> : null}
        </span>
      );
    case 'unconfirmed':
      return (
        <span>
          <Badge tone="amber">redeploy not confirmed</Badge> {log ? <>— {log}</> : null}
        </span>
      );
  }
}

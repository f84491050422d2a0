'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useId, useRef } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { startSyncAction } from '@/lib/actions/inventory';
import type { SyncRunView } from '@/lib/domain/inventory/requests';
import type { ErrorCode } from '@/lib/errors';
import { formatDateTime } from '@/lib/utils';
import { useVendor } from '@/components/vendor-context';

const QUERY_KEY = ['inventory-sync'] as const;
const POLL_MS = 1000;

async function fetchLatestRun(): Promise<SyncRunView | null> {
  const response = await fetch('/api/inventory/sync', { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`The sync status could not be read (${response.status}).`);
  const body = (await response.json()) as { run: SyncRunView | null };
  return body.run;
}

const STATUS_WORDS: Record<SyncRunView['status'], { label: string; tone: 'green' | 'amber' | 'red' | 'indigo' | 'neutral' }> = {
  running: { label: 'Running', tone: 'indigo' },
  succeeded: { label: 'Succeeded', tone: 'green' },
  partial: { label: 'Some projects failed', tone: 'amber' },
  failed: { label: 'Failed', tone: 'red' },
  interrupted: { label: 'Interrupted', tone: 'neutral' },
};

function Progress({ run }: { run: SyncRunView }) {
  const total = run.projectsTotal;
  const percent = total ? Math.round((run.projectsDone / total) * 100) : 0;
  return (
    <div className="mt-3">
      <div
        role="progressbar"
        aria-label="Sync progress"
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total ? run.projectsDone : undefined}
        aria-valuetext={total ? `${run.projectsDone} of ${total} projects` : 'Listing projects'}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-indigo-700 transition-all" style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-2 text-sm text-slate-700">
        {total === null ? 'Listing the projects…' : `${run.projectsDone} of ${total} projects read`}
        {run.projectsFailed ? `, ${run.projectsFailed} failed` : ''}.
      </p>
    </div>
  );
}

function Summary({ run }: { run: SyncRunView }) {
  return (
    <p className="mt-2 text-sm text-slate-700">
      {run.trigger === 'scheduled' ? 'Scheduled' : `Started by ${run.requestedBy ?? 'a former user'}`},{' '}
      {run.full ? 'full' : 'incremental'}, finished {formatDateTime(run.finishedAt)}: {run.projectsDone - run.projectsFailed} of{' '}
      {run.projectsTotal ?? 0} projects read, {run.environmentsSeen} environments, variables re-read on {run.variableReads}.
    </p>
  );
}

function Failures({ run }: { run: SyncRunView }) {
  if (run.failures.length === 0) return null;
  return (
    <details className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950" open={run.failures.length <= 5}>
      <summary className="cursor-pointer font-medium">Projects that could not be read ({run.projectsFailed})</summary>
      <ul className="mt-2 space-y-1">
        {run.failures.map((failure) => (
          <li key={failure.projectId}>
            <Link href={`/projects/${failure.projectId}`} className="font-medium underline">
              {failure.projectTitle}
            </Link>{' '}
            — {failure.message}
          </li>
        ))}
      </ul>
      <p className="mt-2">Their previous data is kept. The next sync tries them again.</p>
    </details>
  );
}

/**
 * Why a "Sync now" posted without JavaScript started nothing: the action redirects here with the
 * error's code only (?syncRefused=), so the words are the page's, never text from the URL.
 */
const refusals = (productName: string): Record<ErrorCode, string> => ({
  unauthenticated: 'Your session had ended: no sync was started. Sign in and try again.',
  forbidden: 'You may not start a sync. Ask an admin if the inventory is out of date.',
  invalid_input: 'No sync was started: try again.',
  not_found: 'No sync was started: try again.',
  conflict: 'A sync is already running; its progress is shown here.',
  rate_limited: 'Too many requests: no sync was started. Wait a moment and try again.',
  internal: `The sync could not be started. Try again; if it keeps failing, check the ${productName} connection in Settings.`,
});

/** The inventory sync: the latest run, live progress while one runs, and "Sync now". */
export function SyncPanel({ initialRun, canSync, refused }: { initialRun: SyncRunView | null; canSync: boolean; refused?: ErrorCode }) {
  const { productName } = useVendor();
  const router = useRouter();
  const queryClient = useQueryClient();
  const headingId = useId();
  const fullId = useId();
  // A real form: "Sync now" works without JavaScript too (the action then redirects back here, and
  // the page shows the run, or why none started). With JavaScript, the answer is shown in place.
  const [started, startSync, isPending] = useActionState(startSyncAction, null);
  const error = started ? (started.ok ? undefined : started.error.message) : refused ? refusals(productName)[refused] : undefined;
  const { data: run, error: pollError } = useQuery({
    queryKey: QUERY_KEY,
    queryFn: fetchLatestRun,
    initialData: initialRun,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? POLL_MS : false),
  });

  // When a run ends, the server-rendered list below is stale: render it again.
  const previousStatus = useRef(run?.status);
  useEffect(() => {
    if (previousStatus.current === 'running' && run?.status !== 'running') router.refresh();
    previousStatus.current = run?.status;
  }, [run?.status, router]);

  // A run begun (or one already running): follow it.
  useEffect(() => {
    if (started && (started.ok || started.error.code === 'conflict')) void queryClient.invalidateQueries({ queryKey: QUERY_KEY });
  }, [started, queryClient]);

  const running = run?.status === 'running';

  return (
    <section aria-labelledby={headingId} className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 id={headingId} className="flex items-center gap-2 text-base font-semibold text-slate-900">
            Inventory sync {run ? <Badge tone={STATUS_WORDS[run.status].tone}>{STATUS_WORDS[run.status].label}</Badge> : null}
          </h2>
          <div aria-live="polite">
            {!run ? (
              <p className="mt-2 text-sm text-slate-700">Projects have not been synced from {productName} yet.</p>
            ) : running ? (
              <Progress run={run} />
            ) : (
              <Summary run={run} />
            )}
          </div>
        </div>
        {canSync ? (
          <form action={startSync} aria-label="Sync now" className="flex flex-col items-end gap-2">
            <Button type="submit" disabled={isPending || running}>
              {running ? 'Syncing…' : isPending ? 'Starting…' : 'Sync now'}
            </Button>
            <label htmlFor={fullId} className="flex items-center gap-2 text-sm text-slate-700">
              <input id={fullId} type="checkbox" name="full" disabled={isPending || running} className="h-4 w-4 rounded border-slate-400" />
              Re-read every environment&rsquo;s variables
            </label>
          </form>
        ) : null}
      </div>
      {run?.error ? (
        <div className="mt-3">
          <Alert tone="error">{run.error}</Alert>
        </div>
      ) : null}
      {error ? (
        <div className="mt-3">
          <Alert tone="error">{error}</Alert>
        </div>
      ) : null}
      {pollError ? (
        <div className="mt-3">
          <Alert tone="warning">{pollError.message} The list below may be out of date; reload the page.</Alert>
        </div>
      ) : null}
      {run ? <Failures run={run} /> : null}
    </section>
  );
}

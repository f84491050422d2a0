import type { Metadata } from 'next';
import Link from 'next/link';
import { RetryJobForm } from '@/components/jobs/retry-job-form';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { requirePageContext } from '@/lib/auth/session';
import { getJobsOverview } from '@/lib/domain/jobs';
import { jobsQuerySchema } from '@/lib/validations/jobs';
import { formatDateTime } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Jobs' };

const DESCRIPTION = (
  <>
    Keywarden’s background work runs on a job queue in its database, shared by every instance: each scheduled run happens once, failed runs are retried with growing
    pauses, and a job that still fails is listed below for a week. See also{' '}
    <Link href="/settings" className="font-medium underline">
      Settings
    </Link>
    .
  </>
);

export default async function JobsPage({ searchParams }: { searchParams: Promise<{ page?: string | string[] }> }) {
  const context = await requirePageContext();
  const { page } = jobsQuerySchema.parse(await searchParams);
  const result = await getJobsOverview(context, { page });
  if (!result.ok) {
    return <PageForbidden />;
  }
  const { queues, failedJobs, canRetry } = result.data;
  return (
    <>
      <PageHeader title="Jobs" description={DESCRIPTION} />
      <section aria-labelledby="queues" className="mb-8">
        <h2 id="queues" className="mb-3 text-base font-semibold text-slate-900">
          Queues
        </h2>
        <DataTable label="Queues table" caption="Background job queues: schedule, last and next run, failures" columns={['Queue', 'Schedule (UTC)', 'Last run', 'Next run', 'Waiting', 'Running', 'Failed']}>
          {queues.map((queue) => (
            <tr key={queue.name}>
              <td className="px-3 py-2 text-sm text-slate-900">
                <span className="font-medium">{queue.title}</span>
                <span className="block max-w-md text-slate-700">{queue.description}</span>
              </td>
              <td className="px-3 py-2 font-mono text-sm text-slate-800">{queue.cron ?? <span className="font-sans">on demand</span>}</td>
              <td className="px-3 py-2 text-sm text-slate-800">
                {queue.lastRun ? (
                  <>
                    {formatDateTime(queue.lastRun.finishedAt)} <Badge tone={queue.lastRun.state === 'completed' ? 'green' : 'red'}>{queue.lastRun.state}</Badge>
                  </>
                ) : (
                  'not yet'
                )}
              </td>
              <td className="px-3 py-2 text-sm text-slate-800">{queue.nextRunAt ? formatDateTime(queue.nextRunAt) : '—'}</td>
              <td className="px-3 py-2 text-sm text-slate-800">{queue.waiting}</td>
              <td className="px-3 py-2 text-sm text-slate-800">{queue.active}</td>
              <td className="px-3 py-2 text-sm text-slate-800">{queue.failed > 0 ? <Badge tone="red">{queue.failed}</Badge> : 0}</td>
            </tr>
          ))}
        </DataTable>
      </section>
      <section aria-labelledby="failed-jobs">
        <h2 id="failed-jobs" className="mb-3 text-base font-semibold text-slate-900">
          Failed jobs
        </h2>
        <p className="mb-3 max-w-prose text-sm text-slate-700">
          Jobs that failed on every attempt. {canRetry ? 'Retry runs one once more, on whichever instance is free first.' : 'Admins can retry them.'}
        </p>
        <PagedList
          basePath="/settings/jobs"
          params={{}}
          list={result.data}
          shownCount={failedJobs.length}
          label="Failed jobs pages"
          noun="failed jobs"
          empty={<EmptyState title="No failed jobs">Every background job finished, or is still being retried.</EmptyState>}
        >
          <DataTable label="Failed jobs table" caption={`Failed jobs, page ${result.data.page}`} columns={['Queue', 'Failed at', 'Attempts', 'Error', ...(canRetry ? ['Actions'] : [])]}>
            {failedJobs.map((job) => (
              <tr key={job.id}>
                <td className="px-3 py-2 text-sm text-slate-900">
                  {job.queueTitle}
                  <span className="block font-mono text-xs text-slate-600">{job.id}</span>
                </td>
                <td className="px-3 py-2 text-sm text-slate-800">{formatDateTime(job.failedAt)}</td>
                <td className="px-3 py-2 text-sm text-slate-800">{job.attempts}</td>
                <td className="px-3 py-2 text-sm break-words text-slate-800">{job.message}</td>
                {canRetry ? (
                  <td className="px-3 py-2 text-sm">
                    <RetryJobForm queue={job.queue} jobId={job.id} label={`${job.queueTitle} job ${job.id}`} />
                  </td>
                ) : null}
              </tr>
            ))}
          </DataTable>
        </PagedList>
      </section>
    </>
  );
}

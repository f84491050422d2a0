import type { Metadata } from 'next';
import Link from 'next/link';
import { DryRunForm, ExecuteIncidentForm, ExecuteRotationForm, ResumeIncidentForm, ResumeRotationForm } from '@/components/incidents/incident-forms';
import { LiveRefresh } from '@/components/incidents/live-refresh';
import { IncidentStateBadge } from '@/components/incidents/state-badge';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { PageHeader } from '@/components/ui/page-header';
import { ListPagination } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { auditRefusedIncidentRead, getIncident, INCIDENT_ITEMS_PER_PAGE, listRotationGroups, type IncidentView } from '@/lib/domain/incidents/queries';
import type { RotationReport } from '@/lib/domain/incidents/rotation';
import { incidentPageQuerySchema } from '@/lib/validations/incidents';
import { countOf, firstValues, formatDateTime, type SearchParams } from '@/lib/utils';
import { PageForbidden, PageNotFound } from '@/components/shell/refusal-pages';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Incident' };

const FILTER_WORDS: Record<string, string> = {
  projectId: 'project',
  purpose: 'purpose',
  environmentType: 'environment type',
  buildVisible: 'visible at build time',
  pushedBy: 'recorded or pushed by',
  recordedBefore: 'recorded before',
};

function filterInWords(filter: Record<string, unknown>): string {
  const parts = Object.entries(filter)
    .filter(([key, value]) => key !== 'all' && value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${FILTER_WORDS[key] ?? key}: ${String(value)}`);
  if (parts.length === 0) return 'all open tokens';
  return parts.join(' · ');
}

const ITEM_BADGES = { pending: 'neutral', running: 'indigo', done: 'green', partial: 'amber', failed: 'red', skipped: 'neutral' } as const;

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      <div className="mt-3 space-y-3 text-sm text-slate-800">{children}</div>
    </section>
  );
}

function Progress({ incident }: { incident: IncidentView }) {
  const finished = incident.progress.done + incident.progress.partial + incident.progress.failed + incident.progress.skipped;
  const isRotation = incident.kind === 'rotation';
  const percent = incident.total === 0 ? 100 : Math.round((finished / incident.total) * 100);
  return (
    <div className="space-y-1">
      <div role="progressbar" aria-label={isRotation ? 'Tokens rotated' : 'Tokens revoked'} aria-valuemin={0} aria-valuemax={incident.total} aria-valuenow={finished} aria-valuetext={`${finished} of ${incident.total}`} className="h-2 w-full overflow-hidden rounded-full bg-slate-200">
        <div className="h-full rounded-full bg-indigo-600" style={{ width: `${percent}%` }} />
      </div>
      <p>
        {finished} of {incident.total} tokens handled ({percent}%): {incident.progress.done} done, {incident.progress.partial} {isRotation ? 'half-way' : 'with variables left'}, {incident.progress.failed} failed,{isRotation ? ` ${incident.progress.skipped} skipped,` : ''} {incident.progress.running} running, {incident.progress.pending} waiting.
      </p>
    </div>
  );
}

function RotationReportSection({ report, productName }: { report: RotationReport; productName: string }) {
  return (
    <Section title="Report">
      <p>
        Verified on {formatDateTime(report.verifiedAt)} by re-reading every environment: {report.rotated} of {countOf(report.tokens, 'token')} rotated, {report.variablesVerified} of {countOf(report.variablesPlanned, 'environment')} verified to hold a fresh token,{' '}
        {report.oldTokensDeleted} old token{report.oldTokensDeleted === 1 ? '' : 's'} and {report.bootstrapsDeleted} bootstrap token{report.bootstrapsDeleted === 1 ? '' : 's'} deleted on {productName}.
      </p>
      {report.notRotated === 0 && report.openTasks.length === 0 ? <Alert tone="success">Every token is rotated; nothing remains open.</Alert> : null}
      <DataTable label="Machine users of the rotation" caption="Outcome per machine user" columns={['Machine user', 'Rotated', 'Outcome', 'Bootstrap']}>
        {report.groups.map((group) => (
          <tr key={group.machineUserId}>
            <td className="px-3 py-3 text-sm">
              <Link href={`/machine-users/${group.machineUserId}`} className="text-indigo-800 underline">
                {group.machineUser}
              </Link>{' '}
              <span className="text-xs text-slate-700">on {group.projectId}</span>
            </td>
            <td className="px-3 py-3 text-sm text-slate-800">
              {group.rotated} of {group.tokens}
            </td>
            <td className="px-3 py-3 text-sm text-slate-800">
              <Badge tone={group.outcome === 'rotated' ? 'green' : group.outcome === 'partly rotated' ? 'amber' : group.outcome === 'stopped' ? 'red' : 'neutral'}>{group.outcome}</Badge>
              {group.why ? <div className="mt-1 text-xs text-slate-800">{group.why}</div> : null}
            </td>
            <td className="px-3 py-3 text-sm text-slate-800">{group.bootstrapDeleted ? 'deleted' : group.outcome === 'not rotated — no bootstrap token' ? 'none pasted' : 'not deleted: see the tasks below'}</td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}

export default async function IncidentPage({ params, searchParams }: { params: Promise<{ incidentId: string }>; searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const { productName } = configuredVendor();
  if (!authorize(context.actor, 'incident.read').allowed) {
    await auditRefusedIncidentRead(context);
    return <PageForbidden />;
  }
  const { incidentId } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(incidentId)) return <PageNotFound />;
  const { page } = incidentPageQuerySchema.parse(firstValues(await searchParams));
  const incident = await getIncident(context, incidentId, page);
  if (!incident) return <PageNotFound />;
  const canPlan = authorize(context.actor, 'incident.plan').allowed;
  const canExecute = authorize(context.actor, 'incident.execute').allowed;
  const isRotation = incident.kind === 'rotation';
  const report = incident.report && !('kind' in incident.report) ? incident.report : null;
  const rotationReport = incident.report && 'kind' in incident.report ? incident.report : null;
  // The bootstrap fields: one per machine user with tokens left (only where they can be pasted).
  const groups = isRotation && canExecute && (incident.state === 'planned' || incident.state === 'interrupted') ? await listRotationGroups(context, incident.id) : [];

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/incidents" className="text-indigo-800 underline">
          Incident response
        </Link>
      </p>
      <PageHeader
        title={incident.name}
        description={
          <>
            <IncidentStateBadge state={incident.state} /> Planned by {incident.createdBy ?? 'a former user'} on {formatDateTime(incident.createdAt.toISOString())}. Selection: {filterInWords(incident.filter)}.
            {incident.reason ? ` ${incident.reason}` : ''}
          </>
        }
      />

      <Section title="Plan">
        {isRotation ? (
          <p>
            Bulk rotation of {incident.total} token{incident.total === 1 ? '' : 's'} across {incident.projects} project{incident.projects === 1 ? '' : 's'} ({incident.variables} environment variable{incident.variables === 1 ? '' : 's'}). For each machine user you paste one bootstrap token (a
            fresh token of that machine user, checked before use); Keywarden mints a new token per recorded token as the machine user, pushes it to the environments that hold the old one, deletes the old token on {productName}, and
            finally deletes the bootstrap. A machine user without a bootstrap is not rotated; none is ever half-done.
          </p>
        ) : (
        <p>
          {incident.total} token{incident.total === 1 ? '' : 's'} across {incident.projects} project{incident.projects === 1 ? '' : 's'}: {incident.variables} variable{incident.variables === 1 ? '' : 's'} to delete, each token
          marked compromised and, where Keywarden cannot delete it on {productName} itself (that needs a live token of its machine user), an open task on the Overview until it is deleted. What stops working is listed per token below.
        </p>
        )}
      </Section>

      {incident.state === 'planned' ? (
        <Section title="Dry run">
          {incident.dryRunAt ? <p>Done on {formatDateTime(incident.dryRunAt.toISOString())}: what it read is in the table below. Nothing was changed.</p> : <p>Reads every environment of the plan on {productName} and changes nothing. Required before the execution.</p>}
          {canPlan ? <DryRunForm incidentId={incident.id} /> : null}
        </Section>
      ) : null}

      {incident.state === 'planned' && incident.dryRunAt && canExecute && isRotation ? (
        <Section title="Execute">
          <p>Rotates every token of the plan, a few machine users at a time (each machine user’s tokens one after the other), paced within the API’s rate limit, then re-reads every environment and writes the report to the audit log. The bootstrap tokens are used in this request only and never stored: keep this page open until it answers.</p>
          <ExecuteRotationForm incidentId={incident.id} name={incident.name} groups={groups} />
        </Section>
      ) : null}

      {incident.state === 'planned' && incident.dryRunAt && canExecute && !isRotation ? (
        <Section title="Execute">
          <p>Deletes every variable of the plan (a few machine users at a time, paced within the API’s rate limit), marks each token compromised, then re-reads every environment and writes the report to the audit log.</p>
          <ExecuteIncidentForm incidentId={incident.id} name={incident.name} />
        </Section>
      ) : null}

      {incident.state === 'running' ? (
        <Section title="Progress">
          <LiveRefresh />
          <noscript>
            <meta httpEquiv="refresh" content="5" />
          </noscript>
          <Progress incident={incident} />
          <p>
            This page refreshes itself while the run goes on.{' '}
            <Link href={`/incidents/${incident.id}`} className="text-indigo-800 underline">
              Refresh now
            </Link>
          </p>
        </Section>
      ) : null}

      {incident.state === 'interrupted' ? (
        <Section title="Interrupted">
          {isRotation ? (
            <Alert tone="warning">Keywarden stopped while this rotation ran (a restart or a crash). It does not resume by itself: its bootstrap tokens were never kept, so an admin pastes them again below.</Alert>
          ) : (
            <Alert tone="warning">Keywarden stopped while this incident ran (a restart or a crash). It resumes automatically within about a minute (the job queue’s incident-resume tick), unless whoever executed it may no longer execute incidents; or resume it now. Resuming runs only what is not done; a variable already deleted is not deleted twice.</Alert>
          )}
          <Progress incident={incident} />
          {canExecute && isRotation ? (
            <>
              <p>The bootstrap tokens were never kept: paste them again. Minted tokens a crash left unrecorded are deleted, a rotation left half-way is finished with a fresh mint, then the rest is rotated.</p>
              <ResumeRotationForm incidentId={incident.id} groups={groups} />
            </>
          ) : null}
          {canExecute && !isRotation ? <ResumeIncidentForm incidentId={incident.id} /> : null}
        </Section>
      ) : null}

      {report ? (
        <Section title="Report">
          <p>
            Verified on {formatDateTime(report.verifiedAt)} by re-reading every environment: {report.variablesDeleted} of {countOf(report.variablesPlanned, 'variable')} deleted, {report.variablesRemaining} remaining; {report.tokensDeletedOnPlatform}{' '}
            token{report.tokensDeletedOnPlatform === 1 ? '' : 's'} deleted on {productName}, {report.tokensToDeleteOnPlatform} still to delete there.
          </p>
          {report.openTasks.length ? (
            <p>
              {report.openTasks.length} token{report.openTasks.length === 1 ? ' has' : 's have'} open tasks (below, per token; also on the Overview and in evidence packs).
            </p>
          ) : (
            <Alert tone="success">Nothing remains open.</Alert>
          )}
        </Section>
      ) : null}

      {rotationReport ? <RotationReportSection productName={productName} report={rotationReport} /> : null}

      <DataTable label="Tokens of the incident" caption={`Tokens of ${incident.name}, page ${page}`} columns={['Token', isRotation ? 'Environments to push a fresh token to' : 'Variables to delete', 'What stops working', 'State']}>
        {incident.items.map((item) => (
          <tr key={item.id}>
            <td className="px-3 py-3 text-sm">
              <div className="font-medium text-slate-900">
                {item.token.name} <span className="font-mono">…{item.token.lastFour}</span>
              </div>
              <div className="text-xs text-slate-700">
                <Link href={`/machine-users/${item.machineUser.id}`} className="text-indigo-800 underline">
                  {item.machineUser.email}
                </Link>{' '}
                on {item.projectTitle}
              </div>
            </td>
            <td className="px-3 py-3 text-sm text-slate-800">
              {item.variables.length === 0 ? 'none' : null}
              <ul>
                {item.variables.map((variable) => {
                  const reading = item.dryRun?.find((candidate) => candidate.environmentId === variable.environmentId && candidate.variableName === variable.variableName);
                  return (
                    <li key={`${variable.environmentId}/${variable.variableName}`}>
                      {variable.environmentId} <span className="text-xs text-slate-700">({variable.environmentType})</span>
                      {reading ? <span className="text-xs text-slate-700"> — dry run: {reading.state}</span> : null}
                    </li>
                  );
                })}
              </ul>
            </td>
            <td className="px-3 py-3 text-sm text-slate-800">{isRotation ? 'Nothing, if it ends well: each environment gets its fresh token in place (redeployed).' : item.whatStops}</td>
            <td className="px-3 py-3 text-sm">
              <Badge tone={ITEM_BADGES[item.status]}>{item.status}</Badge>
              {item.token.deletedOnPlatform ? <div className="text-xs text-slate-700">deleted on {productName}</div> : null}
              {item.openTasks.length ? (
                <ul className="mt-1 list-disc space-y-1 pl-4 text-xs text-slate-800">
                  {item.openTasks.map((task) => (
                    <li key={task}>{task}</li>
                  ))}
                </ul>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
      <ListPagination basePath={`/incidents/${incident.id}`} params={{}} page={page} pageSize={INCIDENT_ITEMS_PER_PAGE} total={incident.total} shownCount={incident.items.length} label="Pages of the incident’s tokens" />
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { ChecklistView, checklistSummary } from '@/components/onboarding/checklist-view';
import { EnvironmentsSection, MachineUsersSection, TokenVariablesSection, UserAccessSection } from '@/components/projects/project-sections';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { getProject } from '@/lib/domain/inventory/projects';
import { getProjectChecklists } from '@/lib/domain/onboarding/kit';
import { formatDateTime } from '@/lib/utils';
import { PageNotFound } from '@/components/shell/refusal-pages';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Project' };

export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const context = await requirePageContext();
  const { productName } = configuredVendor();
  const [result, checklists] = await Promise.all([getProject(context, projectId), getProjectChecklists(context, projectId)]);
  if (!result.ok || !checklists.ok) return <PageNotFound />;
  const project = result.data;
  const checklist = checklists.data.project;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/projects" className="text-indigo-800 underline">
          Projects
        </Link>{' '}
        / <span className="text-slate-700">{project.title}</span>
      </nav>
      <PageHeader
        title={project.title}
        description={
          <>
            <span className="font-mono">{project.id}</span> · {project.region ?? 'region unknown'}
            {project.defaultBranch ? <> · default branch {project.defaultBranch}</> : null} · last synced {formatDateTime(project.lastSyncedAt)}
          </>
        }
      />
      <dl className="grid gap-4 sm:grid-cols-3">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-700">Environments</dt>
          <dd className="mt-1 text-sm text-slate-900">
            <span className="text-2xl font-semibold">{project.environments.total}</span> ({project.environments.production} production,{' '}
            {project.environments.staging} staging, {project.environments.development} development)
          </dd>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-700">Machine users</dt>
          <dd className="mt-1 text-2xl font-semibold text-slate-900">{project.machineUsers}</dd>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-700">{project.tokenVariableName} on production</dt>
          <dd className="mt-2">{project.tokenOnProduction ? <Badge tone="green">Set</Badge> : <Badge>Not set</Badge>}</dd>
        </div>
      </dl>
      {project.lastSyncError ? (
        <div className="mt-4">
          <Alert tone="warning" title={`The last sync could not read this project (${formatDateTime(project.lastSyncErrorAt)})`}>
            {project.lastSyncError} What is shown is from the last successful sync.
          </Alert>
        </div>
      ) : null}
      {project.missingSince ? (
        <div className="mt-4">
          <Alert tone="warning" title={`This project is gone from ${productName}`}>
            The sync has not found it since {formatDateTime(project.missingSince)}. Its records are kept for the audit trail.
          </Alert>
        </div>
      ) : null}
      <section className="mt-8" aria-labelledby="onboarding-heading">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="onboarding-heading" className="text-lg font-semibold text-slate-900">
            Onboarding: {checklistSummary(checklist)}
          </h2>
          <Link href={`/projects/${project.id}/onboarding`} className="text-sm font-medium text-indigo-800 underline">
            Open the onboarding kit
          </Link>
        </div>
        <p className="mt-1 max-w-prose text-sm text-slate-700">
          {checklist.machineUser ? `Following ${checklist.machineUser.email}, the project’s most advanced machine user.` : 'The snippets, the CLI equivalents and a linter for the app configuration are in the kit.'}
        </p>
        <div className="mt-3">
          <ChecklistView checklist={checklist} label={`Onboarding checklist of ${project.title}`} />
        </div>
      </section>
      <MachineUsersSection project={project} canOnboard={authorize(context.actor, 'machine_user.invite', { projectId: project.id }).allowed} />
      <EnvironmentsSection project={project} />
      <TokenVariablesSection project={project} />
      <UserAccessSection project={project} productName={productName} />
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { ChecklistView, checklistSummary } from '@/components/onboarding/checklist-view';
import { CliEquivalents } from '@/components/onboarding/cli-equivalents';
import { ConfigLinter } from '@/components/onboarding/config-linter';
import { KitGenerator } from '@/components/onboarding/kit-generator';
import { ConfirmConfigControl, SandboxCronControl } from '@/components/onboarding/onboarding-actions';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getOnboardingKit, type KitMachineUser } from '@/lib/domain/onboarding/kit';
import { defaultKitOptions, type KitTaskKind } from '@/lib/onboarding/kit-options';
import { firstValues, formatDateTime, type SearchParams } from '@/lib/utils';
import { parseKitOptions } from '@/lib/validations/onboarding';
import { PageNotFound } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Onboarding kit' };

/** The cron task that fits the purpose of the machine user the checklist follows. */
const TASK_FOR_PURPOSE: Record<KitMachineUser['purpose'], KitTaskKind> = {
  backups: 'backup',
  source_operations: 'source-operation',
  certificate_renewal: 'certificate-renewal',
  // CI tests run from a CI system, custom work needs a command: a backup is the documented example.
  ci_tests: 'backup',
  custom: 'backup',
};

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <section className="mt-10" aria-label={title}>
      <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
      {description ? <p className="mt-1 max-w-prose text-sm text-slate-700">{description}</p> : null}
      <div className="mt-3">{children}</div>
    </section>
  );
}

export default async function OnboardingKitPage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<SearchParams> }) {
  const { projectId } = await params;
  const context = await requirePageContext();
  const result = await getOnboardingKit(context, projectId);
  if (!result.ok) return <PageNotFound />;
  const kit = result.data;
  const { project } = kit;
  const followed = kit.machineUsers.find((machineUser) => machineUser.id === kit.checklist.machineUser?.id);
  const wizardLink = kit.canOnboard ? (
    <Link href={`/machine-users/new?project=${project.id}`} className={buttonClasses('primary')}>
      Onboard a machine user
    </Link>
  ) : undefined;
  // The generator's options come from the URL (it is a GET form), over the defaults for this project.
  const kitDefaults = defaultKitOptions(getConfig().platformsh.vendor, followed ? TASK_FOR_PURPOSE[followed.purpose] : 'backup');
  const kitOptions = parseKitOptions(firstValues(await searchParams), kitDefaults);
  const snippetContext = { projectId: project.id, projectTitle: project.title, productionBranch: project.productionBranch, vendor: getConfig().platformsh.vendor, ...(project.region ? { region: project.region } : {}) } as const;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/projects" className="text-indigo-800 underline">
          Projects
        </Link>{' '}
        /{' '}
        <Link href={`/projects/${project.id}`} className="text-indigo-800 underline">
          {project.title}
        </Link>{' '}
        / <span className="text-slate-700">Onboarding kit</span>
      </nav>
      <PageHeader
        title="Onboarding kit"
        description={
          <>
            What {project.title} (<span className="font-mono">{project.id}</span>) needs in its app configuration, what Keywarden did, and a checklist that
            shows whether it all works.
          </>
        }
      />
      {!project.isProductionBranchKnown ? (
        <Alert tone="warning" title="No production environment is known">
          The last sync found no production environment, so the snippets assume the branch {project.productionBranch}. Sync the project, or check the branch
          before you use the older form.
        </Alert>
      ) : null}

      <Section title="Checklist" description={`${checklistSummary(kit.checklist)}. Each step shows what proves it; the project follows its most advanced machine user.`}>
        {kit.machineUsers.length === 0 ? (
          <EmptyState title="No machine user yet" action={wizardLink}>
            The checklist starts with a machine user invited for this project. {kit.canOnboard ? null : 'An admin or an onboarder assigned to this project can invite one.'}
          </EmptyState>
        ) : (
          <>
            <p className="mb-2 text-sm text-slate-700">
              Following{' '}
              <Link href={`/machine-users/${kit.checklist.machineUser?.id ?? ''}`} className="font-medium text-indigo-800 underline">
                {kit.checklist.machineUser?.email}
              </Link>
              {kit.machineUsers.length > 1 ? `, the most advanced of ${kit.machineUsers.length} machine users.` : '.'}
            </p>
            <ChecklistView checklist={kit.checklist} label={`Onboarding checklist of ${project.title}`} />
          </>
        )}
        {kit.canConfirm ? (
          <div className="mt-4 flex flex-wrap items-start gap-6">
            <ConfirmConfigControl projectId={project.id} projectTitle={project.title} productionBranch={project.productionBranch} />
            {kit.isSandbox ? <SandboxCronControl projectId={project.id} /> : null}
          </div>
        ) : null}
        {kit.confirmations.length > 0 ? (
          <div className="mt-4">
            <h3 className="text-sm font-semibold text-slate-900">Confirmations of the deployed configuration</h3>
            <ul className="mt-1 space-y-1 text-sm text-slate-700">
              {kit.confirmations.map((confirmation) => (
                <li key={confirmation.id}>
                  {formatDateTime(confirmation.confirmedAt)} — {confirmation.confirmedBy ?? 'a deleted account'}
                  {confirmation.note ? `: “${confirmation.note}”` : ''}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {kit.machineUsers.length > 0 ? (
          <details className="mt-4">
            <summary className="cursor-pointer text-sm font-medium text-indigo-800">The checklist of each machine user ({kit.machineUsers.length})</summary>
            <div className="mt-3 space-y-4">
              {kit.machineUsers.map((machineUser) => (
                <div key={machineUser.id}>
                  <h3 className="text-sm font-semibold text-slate-900">
                    {machineUser.email} — {checklistSummary(machineUser.checklist)}
                  </h3>
                  <ChecklistView checklist={machineUser.checklist} label={`Onboarding checklist of ${machineUser.email}`} />
                </div>
              ))}
            </div>
          </details>
        ) : null}
      </Section>

      <Section title="Snippets" description="Generated for this project: the build hook that installs the CLI, the cron for the task, and minimal CI jobs.">
        <KitGenerator
          project={{ projectId: project.id, projectTitle: project.title, productionBranch: project.productionBranch, region: project.region }}
          initialOptions={kitOptions}
          defaults={kitDefaults}
        />
      </Section>

      <Section title="CLI equivalents" description="What Keywarden did for this project’s machine users, as CLI commands to read or script. They never contain a token.">
        <CliEquivalents context={snippetContext} machineUsers={kit.machineUsers} wizardLink={wizardLink} />
      </Section>

      <Section title="Check your app configuration" description="The linter warns about crons that wait for their activity, run on every environment, or check a branch name where the environment type is meant.">
        <ConfigLinter />
      </Section>
    </>
  );
}

import type { Metadata } from 'next';
import { OnboardingWizard } from '@/components/machine-users/onboarding-wizard';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';
import { getOnboardingOptions } from '@/lib/domain/machine-users/queries';
import { firstValue, type SearchParams } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Onboard a machine user' };

export default async function NewMachineUserPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const options = await getOnboardingOptions(context);
  // A role that may not onboard gets an HTTP 403 with the page's explanation (components/shell/refusal-pages.tsx).
  if (!options.ok && options.error.code === 'forbidden') return <PageForbidden />;
  const projectId = firstValue((await searchParams).project);
  return (
    <>
      <PageHeader
        title="Onboard a machine user"
        description={`A dedicated ${configuredVendor().productName} account for one project and one job, invited with the narrowest roles that fit it.`}
      />
      {!options.ok ? (
        <Alert tone="warning" title="The onboarding cannot start">
          {options.error.message}
        </Alert>
      ) : (
        <OnboardingWizard
          options={options.data}
          currentUserId={context.actor.id}
          initialProjectId={projectId && options.data.projects.some((project) => project.id === projectId) ? projectId : undefined}
        />
      )}
    </>
  );
}

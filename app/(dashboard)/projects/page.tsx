import type { Metadata } from 'next';
import { AreaPlaceholder } from '@/components/shell/area-placeholder';

export const metadata: Metadata = { title: 'Projects' };

export default function ProjectsPage() {
  return (
    <AreaPlaceholder
      title="Projects"
      description="Every Platform.sh project of the organisation, with its environments, machine users and whether production has a CLI token."
      emptyTitle="No projects synced yet"
    >
      The project inventory arrives with the Platform.sh API client. Until then, admins can assign the demo projects to
      onboarders on the Users page.
    </AreaPlaceholder>
  );
}

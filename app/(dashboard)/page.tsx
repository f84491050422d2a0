import type { Metadata } from 'next';
import { AreaPlaceholder } from '@/components/shell/area-placeholder';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <AreaPlaceholder
      title="Overview"
      description="Projects that are not fully onboarded, tokens due for rotation and open findings will be listed here."
      emptyTitle="Nothing to report yet"
    >
      Keywarden has not synced any projects yet. Once the inventory is synced, this page shows each project&apos;s
      onboarding progress and what needs attention.
    </AreaPlaceholder>
  );
}

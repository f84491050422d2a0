import type { Metadata } from 'next';
import { AreaPlaceholder } from '@/components/shell/area-placeholder';

export const metadata: Metadata = { title: 'Review' };

export default function ReviewPage() {
  return (
    <AreaPlaceholder
      title="Review"
      description="Findings across all projects, access-review sign-offs and drift between what Keywarden recorded and what Platform.sh reports."
      emptyTitle="No findings yet"
    >
      Findings and sign-offs will appear here once projects, machine users and tokens are tracked.
    </AreaPlaceholder>
  );
}

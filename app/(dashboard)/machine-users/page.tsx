import type { Metadata } from 'next';
import { AreaPlaceholder } from '@/components/shell/area-placeholder';

export const metadata: Metadata = { title: 'Machine users' };

export default function MachineUsersPage() {
  return (
    <AreaPlaceholder
      title="Machine users"
      description="One Platform.sh machine user per project and purpose, each with the narrowest roles that fit its job."
      emptyTitle="No machine users yet"
    >
      Machine users you invite through Keywarden will be listed here with their roles, invitation state and owners.
    </AreaPlaceholder>
  );
}

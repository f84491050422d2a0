import { Badge } from '@/components/ui/badge';
import type { MachineUserState } from '@/lib/domain/machine-users/queries';

const STATES: Record<MachineUserState, { label: string; tone: 'green' | 'amber' | 'red' | 'indigo' | 'neutral' }> = {
  invited: { label: 'Invitation pending', tone: 'indigo' },
  active: { label: 'Active', tone: 'green' },
  expired: { label: 'Invitation expired', tone: 'amber' },
  cancelled: { label: 'Invitation cancelled', tone: 'neutral' },
  error: { label: 'Needs attention', tone: 'red' },
  removed: { label: 'Removed', tone: 'neutral' },
};

export function MachineUserStateBadge({ state }: { state: MachineUserState }) {
  return <Badge tone={STATES[state].tone}>{STATES[state].label}</Badge>;
}

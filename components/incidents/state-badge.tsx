import { Badge } from '@/components/ui/badge';

type IncidentState = 'planned' | 'running' | 'interrupted' | 'finished';

const STATE_BADGES: Record<IncidentState, { tone: 'neutral' | 'indigo' | 'amber' | 'green'; label: string }> = {
  planned: { tone: 'neutral', label: 'planned' },
  running: { tone: 'indigo', label: 'running' },
  interrupted: { tone: 'amber', label: 'interrupted' },
  finished: { tone: 'green', label: 'finished' },
};

export function IncidentStateBadge({ state }: { state: IncidentState }) {
  return <Badge tone={STATE_BADGES[state].tone}>{STATE_BADGES[state].label}</Badge>;
}

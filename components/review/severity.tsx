import { Badge } from '@/components/ui/badge';

export type SeverityName = 'critical' | 'high' | 'medium' | 'low';

const TONE: Record<SeverityName, 'red' | 'amber' | 'indigo' | 'neutral'> = { critical: 'red', high: 'red', medium: 'amber', low: 'neutral' };

export const SEVERITY_LABEL: Record<SeverityName, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

/** A severity in words (never by colour alone). */
export function SeverityBadge({ severity }: { severity: SeverityName }) {
  return <Badge tone={TONE[severity]}>{SEVERITY_LABEL[severity]}</Badge>;
}

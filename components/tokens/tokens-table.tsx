import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { Truncated } from '@/components/ui/truncated';
import type { TokenRecordView, TokenStatus } from '@/lib/domain/tokens/queries';
import { formatDateTime } from '@/lib/utils';

const STATUS_TONES: Record<TokenStatus, 'green' | 'neutral' | 'red' | 'amber'> = { active: 'green', superseded: 'neutral', revoked: 'neutral', compromised: 'red' };

function ageInDays(iso: string): number {
  return Math.floor((Date.now() - Date.parse(iso)) / 86_400_000);
}

export function TokensTable({ tokens, caption, showMachineUser = true }: { tokens: TokenRecordView[]; caption: string; showMachineUser?: boolean }) {
  const columns = ['Token', ...(showMachineUser ? ['Machine user'] : []), 'Status', 'Age', 'Rotate by', 'Last used', 'Environments'];
  return (
    <DataTable label="Tokens table" caption={caption} columns={columns}>
      {tokens.map((token) => (
        <tr key={token.id}>
          <td className="px-3 py-2 text-sm text-slate-800">
            <Truncated value={token.name} maxWidth="max-w-48" className="font-medium" /> <span className="font-mono text-slate-600">…{token.lastFour}</span>
          </td>
          {showMachineUser ? (
            <td className="px-3 py-2 text-sm text-slate-800">
              <Link href={`/machine-users/${token.machineUser.id}`} className="text-indigo-800 underline">
                {token.machineUser.email}
              </Link>
              <div className="text-xs text-slate-600">{token.project.title}</div>
            </td>
          ) : null}
          <td className="px-3 py-2 text-sm">
            <Badge tone={STATUS_TONES[token.status]}>{token.status}</Badge> {token.overdue ? <Badge tone="amber">rotation overdue</Badge> : null}
          </td>
          <td className="px-3 py-2 text-sm text-slate-800">{ageInDays(token.recordedAt)} days</td>
          <td className="px-3 py-2 text-sm text-slate-800">{formatDateTime(token.rotateBy).slice(0, 10)}</td>
          <td className="px-3 py-2 text-sm text-slate-800">{formatDateTime(token.lastUsedAt)}</td>
          <td className="px-3 py-2 text-sm text-slate-800">
            <span className="font-mono">{token.environments.length ? token.environments.join(', ') : '—'}</span>
            {token.drift.length ? (
              // R7: shown as Platform.sh reports it, never corrected behind anyone's back.
              <ul aria-label={`Drift of …${token.lastFour}`} className="mt-1 space-y-0.5 text-xs text-amber-900">
                {token.drift.map((entry) => (
                  <li key={entry.environmentId}>
                    <Badge tone="amber">drift</Badge> <span className="font-mono">{entry.environmentId}</span>: {entry.problems.join(', ')} (sync of {formatDateTime(entry.seenAt)})
                  </li>
                ))}
              </ul>
            ) : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

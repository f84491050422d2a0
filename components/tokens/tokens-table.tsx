import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { DataTable, type ColumnSpec } from '@/components/ui/data-table';
import { pageHref } from '@/components/ui/pagination';
import { Truncated } from '@/components/ui/truncated';
import type { TokenRecordView, TokenStatus } from '@/lib/domain/tokens/queries';
import { formatDateTime } from '@/lib/utils';
import type { TokenListQuery, TokenListSort } from '@/lib/validations/tokens';

const STATUS_TONES: Record<TokenStatus, 'green' | 'neutral' | 'red' | 'amber'> = { active: 'green', superseded: 'neutral', revoked: 'neutral', compromised: 'red' };

function ageInDays(iso: string): number {
  return Math.floor((Date.now() - Date.parse(iso)) / 86_400_000);
}

/** The Tokens list's URL parameters other than the page (which a new sort or filter resets). */
export function tokenListParams(query: TokenListQuery, overrides: Partial<TokenListQuery> = {}): Record<string, string | undefined> {
  const merged = { ...query, ...overrides };
  return {
    q: merged.q || undefined,
    status: merged.status === 'active' ? undefined : merged.status,
    overdue: merged.overdue || undefined,
    drift: merged.drift || undefined,
    revocation: merged.revocation || undefined,
    project: merged.project || undefined,
    sort: merged.sort === 'rotate' ? undefined : merged.sort,
    dir: merged.dir === 'asc' ? undefined : merged.dir,
  };
}

/** Whether the list is narrowed by a search or a filter (the sort does not narrow it). */
export function isTokenListFiltered(query: TokenListQuery): boolean {
  return query.q !== '' || query.status !== 'active' || query.overdue !== '' || query.drift !== '' || query.revocation !== '' || query.project !== '';
}

function sortable(label: string, sort: TokenListSort, query: TokenListQuery | undefined): string | ColumnSpec {
  if (!query) return label;
  const active = query.sort === sort;
  return {
    label,
    sortHref: pageHref('/tokens', tokenListParams(query, { sort, dir: active && query.dir === 'asc' ? 'desc' : 'asc' }), 1),
    sorted: active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined,
  };
}

/** With `query` (the Tokens list), the column headers sort the list through the URL. */
export function TokensTable({ tokens, caption, showMachineUser = true, query }: { tokens: TokenRecordView[]; caption: string; showMachineUser?: boolean; query?: TokenListQuery }) {
  const columns = [
    sortable('Token', 'name', query),
    ...(showMachineUser ? [sortable('Machine user', 'machine_user', query)] : []),
    sortable('Status', 'status', query),
    sortable('Age', 'age', query),
    sortable('Rotate by', 'rotate', query),
    sortable('Last used', 'used', query),
    'Environments',
  ];
  return (
    <DataTable label="Tokens table" caption={caption} columns={columns}>
      {tokens.map((token) => (
        <tr key={token.id}>
          <td className="px-3 py-2 text-sm text-slate-800">
            <Truncated value={token.name} maxWidth="max-w-48" className="font-medium" /> <span className="font-mono text-slate-600">…{token.lastFour}</span>
            {token.minted ? (
              <>
                {' '}
                <Badge tone="green">minted</Badge>
              </>
            ) : null}
            {token.mintPolicyUnmet ? <p className="mt-1 text-xs text-amber-900">Not minted, against the policy: {token.mintPolicyUnmet}</p> : null}
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

import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import type { RemoteTokenListView } from '@/lib/domain/tokens/remote-tokens';
import { formatDateTime } from '@/lib/utils';

/**
 * The machine user's token list on Platform.sh as last seen, beside Keywarden's records: a token
 * there without a record was made outside Keywarden, and nobody accounts for it.
 */
export function RemoteTokensTable({ remote, productName }: { remote: RemoteTokenListView; productName: string }) {
  if (!remote.seenAt) {
    return (
      <p className="text-sm text-slate-700">
        Not read yet. Only a live token of this machine user can read its token list, so Keywarden reads it while one is in hand: when a token is recorded, rotated, or revoked.
      </p>
    );
  }
  const unaccounted = remote.tokens.filter((token) => !token.record).length;
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-700">
        As seen on {formatDateTime(remote.seenAt)}: {remote.tokens.length === 1 ? '1 token' : `${remote.tokens.length} tokens`}
        {unaccounted ? `, ${unaccounted} without a Keywarden record` : ''}.
      </p>
      {remote.tokens.length === 0 ? null : (
        <DataTable label={`${productName} token list`} caption={`The machine user’s API tokens on ${productName}, as last seen`} columns={[`Name on ${productName}`, 'Created', 'Last used', 'MFA on creation', 'Keywarden record']}>
          {remote.tokens.map((token) => (
            <tr key={token.platformshTokenId}>
              <td className="px-3 py-2 text-sm text-slate-800">{token.name}</td>
              <td className="px-3 py-2 text-sm text-slate-800">{formatDateTime(token.createdAt)}</td>
              <td className="px-3 py-2 text-sm text-slate-800">{formatDateTime(token.lastUsedAt)}</td>
              <td className="px-3 py-2 text-sm text-slate-800">{token.mfaOnCreation ? 'yes' : 'no'}</td>
              <td className="px-3 py-2 text-sm text-slate-800">
                {token.record ? (
                  <>
                    {token.record.name} <span className="font-mono text-slate-600">…{token.record.lastFour}</span> ({token.record.status}){token.record.minted ? ' — minted by Keywarden' : ''}
                  </>
                ) : token.unrecordedMint ? (
                  <Badge tone="amber">minted, never recorded: deleted with the next live token</Badge>
                ) : (
                  <Badge tone="amber">made outside Keywarden</Badge>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}

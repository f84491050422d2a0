import { Badge } from '@/components/ui/badge';
import { SubmitButton } from '@/components/ui/submit-button';
import { verifyAuditChainAction } from '@/lib/actions/audit';
import type { ChainStatus } from '@/lib/domain/audit-verification';

function formatTime(iso: string): string {
  return `${iso.replace('T', ' ').slice(0, 19)} UTC`;
}

/**
 * The chain's latest verification and the button that runs another: a server action in a plain
 * form, so it works before hydration and without JavaScript; the page re-renders with the result.
 */
export function ChainStatusPanel({ status, canVerify }: { status: ChainStatus | null; canVerify: boolean }) {
  return (
    <section aria-labelledby="chain-status-heading" className="mb-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id="chain-status-heading" className="text-base font-semibold text-slate-900">
            Tamper evidence
          </h2>
          <div role="status" className="mt-1 text-sm text-slate-800">
            {!status ? (
              <p>The chain has not been verified from this page yet.</p>
            ) : status.holds ? (
              <p>
                <Badge tone="green">OK</Badge>{' '}
                {status.checked} row{status.checked === 1 ? '' : 's'} verified{status.checkpoints ? `, ${status.checkpoints} signed checkpoint${status.checkpoints === 1 ? '' : 's'} confirmed` : ''}.{' '}
                {status.head ? (
                  <>
                    Head: row <span className="font-mono">{status.head.seq}</span>, mac <span className="font-mono">{status.head.macPrefix}…</span>.
                  </>
                ) : null}
              </p>
            ) : (
              <p>
                <Badge tone="red">BROKEN</Badge> at row <span className="font-mono">{status.broken?.seq}</span>: {status.broken?.reason}. {status.checked} rows before it verified.
              </p>
            )}
            {status ? (
              <p className="mt-1 text-xs text-slate-600">
                Verified {formatTime(status.verifiedAt)}
                {status.verifiedBy ? ` by ${status.verifiedBy}` : ''} in {status.milliseconds} ms.
              </p>
            ) : null}
          </div>
        </div>
        {canVerify ? (
          <form action={verifyAuditChainAction} aria-label="Verify the chain">
            <SubmitButton variant="secondary" pendingLabel="Verifying…">
              Verify the chain
            </SubmitButton>
          </form>
        ) : null}
      </div>
    </section>
  );
}

// A campaign's items, one card each: the machine user as it was when the campaign started (roles,
// owners, tokens, open findings), the current decision, and — for whoever may sign it off — the
// decision form. A server component; the forms inside are client components that work without JS.
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import type { ReviewItemView } from '@/lib/domain/reviews/items';
import { describePermissions, PRESETS } from '@/lib/machine-users/roles';
import { formatDateTime } from '@/lib/utils';
import { SEVERITY_LABEL } from './severity';
import { SignOffForm } from './sign-off-form';

const DECISION_TONE = { keep: 'green', change: 'amber', remove: 'red' } as const;
const SEVERITY_TONE = { low: 'neutral', medium: 'amber', high: 'red', critical: 'red' } as const;

export function DecisionBadge({ kind }: { kind: 'keep' | 'change' | 'remove' }) {
  return <Badge tone={DECISION_TONE[kind]}>{kind}</Badge>;
}

function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : '—';
}

export function CampaignItems({ items, isOpen }: { items: ReviewItemView[]; isOpen: boolean }) {
  return (
    <ul aria-label="Machine users to review" className="space-y-4">
      {items.map((item) => (
        <li key={item.id}>
          <article aria-labelledby={`item-${item.id}`} className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
            <header className="flex flex-wrap items-start justify-between gap-2">
              <div className="min-w-0">
                <h3 id={`item-${item.id}`} className="text-base font-semibold break-words text-slate-900">
                  <Link href={`/machine-users/${item.machineUserId}`} className="underline-offset-2 hover:underline">
                    {item.email}
                  </Link>
                </h3>
                <p className="text-sm text-slate-700">
                  {PRESETS[item.purpose].label} on {item.project.title} · {item.machineUserState} when the review started
                </p>
              </div>
              {item.decision ? <DecisionBadge kind={item.decision.kind} /> : <Badge tone="indigo">undecided</Badge>}
            </header>

            <dl className="mt-3 grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[9rem_1fr]">
              <dt className="text-slate-600">Roles</dt>
              <dd className="text-slate-900">{describePermissions(item.permissions)}</dd>
              <dt className="text-slate-600">Owner</dt>
              <dd className="break-words text-slate-900">
                {item.owner.email}
                {item.backupOwner ? ` (backup: ${item.backupOwner.email})` : ''}
              </dd>
              <dt className="text-slate-600">Tokens</dt>
              <dd className="text-slate-900">
                {item.tokens.length === 0 ? (
                  'none recorded'
                ) : (
                  <ul className="space-y-0.5">
                    {item.tokens.map((token) => (
                      <li key={token.id}>
                        {token.name} <span className="font-mono">…{token.lastFour}</span> · {token.status} · rotate by {day(token.rotateBy)} · last used {day(token.lastUsedAt)}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
              <dt className="text-slate-600">Unresolved findings</dt>
              <dd className="text-slate-900">
                {item.findings.length === 0 ? (
                  'none'
                ) : (
                  <ul className="flex flex-wrap gap-1">
                    {item.findings.map((finding) => (
                      <li key={finding.id}>
                        <Badge tone={SEVERITY_TONE[finding.severity]}>
                          {SEVERITY_LABEL[finding.severity]}: {finding.title}
                          {finding.acceptedUntil ? ` (risk accepted until ${day(finding.acceptedUntil)})` : ''}
                        </Badge>
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
              {item.decision ? (
                <>
                  <dt className="text-slate-600">Decided</dt>
                  <dd className="break-words text-slate-900">
                    {item.decision.kind} by {item.decision.reviewerEmail}, {formatDateTime(item.decision.decidedAt)}
                    {item.decision.note ? <span className="block text-slate-700">“{item.decision.note}”</span> : null}
                    {item.task ? <span className="block text-slate-700">Task for admins: {item.task.doneAt ? `done by ${item.task.doneByEmail ?? 'an admin'}` : 'open'}</span> : null}
                  </dd>
                </>
              ) : null}
            </dl>

            {item.canSignOff ? (
              <div className="mt-4 border-t border-slate-200 pt-4">
                <SignOffForm itemId={item.id} email={item.email} current={item.decision ? { kind: item.decision.kind, note: item.decision.note } : null} />
              </div>
            ) : isOpen && item.isOwnedByViewer ? (
              <p className="mt-4 border-t border-slate-200 pt-3 text-sm text-slate-700">You own or back up this machine user: someone else signs it off.</p>
            ) : null}
          </article>
        </li>
      ))}
    </ul>
  );
}

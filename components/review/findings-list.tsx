// The Findings view's list: one card per finding, with its rule, severity, evidence (what was seen,
// first and last seen), the rule's reason and fix, links to the objects, and — for admins, on an
// unresolved finding — the control that accepts it as a risk. Drift findings (issue 15 §3) show
// both sides; role and membership drift get "Re-apply the approved roles" for those who may change
// the machine user's roles, variable drift says why only the machine user's page can re-apply it.
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import type { FindingView } from '@/lib/domain/findings/queries';
import { formatDateTime } from '@/lib/utils';
import { ReapplyRolesControl } from '@/components/machine-users/reapply-roles-control';
import { AcceptRiskControl } from './accept-risk-control';
import { differencesOf, Evidence } from './evidence';
import { SeverityBadge } from './severity';

const linkClasses = 'font-medium text-indigo-800 underline underline-offset-2 hover:text-indigo-900';

export interface AcceptWindow {
  earliest: string;
  latest: string;
  maxDays: number;
}

function StatusLine({ finding }: { finding: FindingView }) {
  if (finding.status === 'resolved') return <Badge tone="green">Resolved {formatDateTime(finding.resolvedAt)}</Badge>;
  if (finding.status === 'accepted') return <Badge tone="indigo">Accepted until {formatDateTime(finding.accepted?.until)}</Badge>;
  if (finding.accepted?.expired) return <Badge tone="amber">Open again: acceptance ended {formatDateTime(finding.accepted.until)}</Badge>;
  return <Badge tone="amber">Open</Badge>;
}

function Links({ finding, productName }: { finding: FindingView; productName: string }) {
  const links = [
    finding.project ? (
      <Link key="project" href={`/projects/${finding.project.id}`} className={linkClasses}>
        Project {finding.project.title}
      </Link>
    ) : null,
    finding.machineUser ? (
      <Link key="machine-user" href={`/machine-users/${finding.machineUser.id}`} className={linkClasses}>
        Machine user {finding.machineUser.email}
      </Link>
    ) : null,
    finding.token && finding.machineUser ? (
      <Link key="token" href={`/machine-users/${finding.machineUser.id}#tokens`} className={linkClasses}>
        Token {finding.token.label}
      </Link>
    ) : null,
    finding.environmentId && finding.project ? (
      <span key="environment" className="text-slate-800">
        Environment <span className="font-mono">{finding.environmentId}</span>
      </span>
    ) : null,
    finding.platformshUserId ? (
      <span key="account" className="text-slate-800">
        {productName} account <span className="font-mono">{finding.platformshUserId}</span>
      </span>
    ) : null,
  ].filter(Boolean);
  if (links.length === 0) return null;
  return <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm">{links}</p>;
}

/** Variable drift: the token is needed to set the variable again, and Keywarden never keeps it. */
function ReapplyVariableNote({ finding }: { finding: FindingView }) {
  if (finding.ruleId !== 'drift.variable' || finding.status === 'resolved' || !finding.machineUser) return null;
  return (
    <p className="text-sm text-slate-800">
      <span className="font-medium text-slate-900">Re-apply: </span>
      setting the variable again needs the token, and Keywarden never keeps a token value.{' '}
      <Link href={`/machine-users/${finding.machineUser.id}#tokens`} className={linkClasses}>
        Rotate, or record the token again, on the machine user’s page
      </Link>
    </p>
  );
}

export function FindingsList({ findings, acceptWindow, productName }: { findings: FindingView[]; acceptWindow: AcceptWindow | null; productName: string }) {
  return (
    <ul aria-label="Findings" className="space-y-4">
      {findings.map((finding) => (
        <li key={finding.id}>
          <article aria-labelledby={`finding-${finding.id}`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
            <header className="flex flex-wrap items-start justify-between gap-2">
              <div className="min-w-0 space-y-1">
                <h3 id={`finding-${finding.id}`} className="text-base font-semibold text-slate-900">
                  {finding.title}
                </h3>
                <p className="flex flex-wrap items-center gap-2 text-xs text-slate-700">
                  <SeverityBadge severity={finding.severity} />
                  <span className="font-mono">{finding.ruleId}</span>
                  <StatusLine finding={finding} />
                </p>
              </div>
              <div className="flex flex-wrap items-start gap-2">
                {finding.machineUser && finding.canReapply ? (
                  <ReapplyRolesControl
                    machineUserId={finding.machineUser.id}
                    email={finding.machineUser.email}
                    difference={differencesOf(finding.evidence.differences)?.[0]?.text ?? finding.title}
                  />
                ) : null}
                {acceptWindow && finding.status !== 'resolved' ? (
                  <AcceptRiskControl findingId={finding.id} title={finding.title} earliest={acceptWindow.earliest} latest={acceptWindow.latest} maxDays={acceptWindow.maxDays} />
                ) : null}
              </div>
            </header>
            <Links finding={finding} productName={productName} />
            <Evidence evidence={finding.evidence} productName={productName} />
            <ReapplyVariableNote finding={finding} />
            <p className="text-xs text-slate-700">
              First seen {formatDateTime(finding.firstSeenAt)} · last seen {formatDateTime(finding.lastSeenAt)}
              {finding.resolvedAt ? ` · resolved ${formatDateTime(finding.resolvedAt)}` : ''}
            </p>
            {finding.accepted ? (
              <p className="text-sm text-slate-800">
                <span className="font-medium">Accepted</span> by {finding.accepted.by ?? 'a former user'} until {formatDateTime(finding.accepted.until)}: {finding.accepted.reason}
              </p>
            ) : null}
            <div className="grid gap-2 text-sm sm:grid-cols-2">
              <p>
                <span className="font-medium text-slate-900">Why it matters: </span>
                <span className="text-slate-800">{finding.reason}</span>
              </p>
              <p>
                <span className="font-medium text-slate-900">Fix: </span>
                <span className="text-slate-800">{finding.fix}</span>
              </p>
            </div>
          </article>
        </li>
      ))}
    </ul>
  );
}

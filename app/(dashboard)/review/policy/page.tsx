import type { Metadata } from 'next';
import Link from 'next/link';
import { PolicyForm } from '@/components/review/policy-form';
import { ReviewTabs } from '@/components/review/review-tabs';
import { SavePolicyControl } from '@/components/review/save-policy-control';
import { SeverityBadge } from '@/components/review/severity';
import { Alert } from '@/components/ui/alert';
import { DataTable } from '@/components/ui/data-table';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';
import { getPolicyView, previewPolicy, type PolicyPreview } from '@/lib/domain/findings/policy';
import { ruleCatalogue } from '@/lib/domain/findings/queries';
import { firstValues, formatDateTime, type SearchParams } from '@/lib/utils';
import { parsePolicyPreview, type Policy } from '@/lib/validations/policy';
import { POLICY_BOUNDS, POLICY_LABELS } from '@/lib/validations/policy-values';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Policy' };

const DESCRIPTION = 'The values the findings rules judge by. Admins change them here; every change is previewed first and recorded in the audit log.';

const show = (value: Policy[keyof Policy]) => (typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value));

function PreviewResult({ preview, values }: { preview: PolicyPreview; values: Policy }) {
  const opening = preview.rows.reduce((sum, row) => sum + row.wouldOpen, 0);
  const resolving = preview.rows.reduce((sum, row) => sum + row.wouldResolve, 0);
  const summary =
    preview.changes.length === 0
      ? 'These are the values in force: nothing would change.'
      : `${preview.changes.map((change) => `${POLICY_LABELS[change.key]}: ${show(change.from)} → ${show(change.to)}`).join('; ')}. ${opening} finding${opening === 1 ? '' : 's'} would open and ${resolving} would resolve.`;
  return (
    <section aria-labelledby="policy-preview" className="space-y-4 rounded-lg border border-indigo-200 bg-indigo-50 p-4">
      <h2 id="policy-preview" className="text-lg font-semibold text-slate-900">
        Preview: what saving would change
      </h2>
      <p className="text-sm text-slate-800">{summary}</p>
      {preview.rows.length > 0 ? (
        <DataTable label="Preview by rule" caption="Findings that would open or resolve, per rule" columns={['Rule', 'Would open', 'Would resolve']}>
          {preview.rows.map((row) => (
            <tr key={row.ruleId}>
              <td className="px-3 py-2 text-sm text-slate-900">
                {row.title}
                <div className="font-mono text-xs text-slate-600">{row.ruleId}</div>
              </td>
              <td className="px-3 py-2 text-sm text-slate-900">{row.wouldOpen}</td>
              <td className="px-3 py-2 text-sm text-slate-900">{row.wouldResolve}</td>
            </tr>
          ))}
        </DataTable>
      ) : preview.changes.length > 0 ? (
        <p className="text-sm text-slate-800">No rule’s findings depend on the values that changed.</p>
      ) : null}
      {preview.changes.length > 0 ? (
        <div className="flex flex-wrap items-center gap-3">
          <SavePolicyControl values={values} summary={summary} />
          <Link href="/review/policy" className="text-sm font-medium text-indigo-800 underline">
            Discard the changes
          </Link>
        </div>
      ) : null}
    </section>
  );
}

export default async function PolicyPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const params = firstValues(await searchParams);
  const view = await getPolicyView(context);
  const catalogue = ruleCatalogue();

  if (!view.ok) {
    return (
      <>
        <ReviewTabs current="policy" />
        <PageHeader title="Policy" />
        <Alert tone="error">{view.error.message}</Alert>
      </>
    );
  }
  const { values, updatedAt, updatedBy, canEdit } = view.data;
  const proposed = canEdit ? parsePolicyPreview(params) : null;
  const hasErrors = proposed ? Object.keys(proposed.errors).length > 0 : false;
  const preview = proposed && !hasErrors ? await previewPolicy(context, proposed.values) : null;

  return (
    <>
      <ReviewTabs current="policy" />
      <PageHeader title="Policy" description={DESCRIPTION} />
      {params.saved === '1' ? (
        <div className="mb-4" aria-live="polite">
          <Alert tone="success">The policy is saved and the findings are recomputed.</Alert>
        </div>
      ) : null}
      <p className="mb-4 text-sm text-slate-700">
        {updatedAt ? `Last changed ${formatDateTime(updatedAt)}${updatedBy ? ` by ${updatedBy}` : ''}.` : 'The defaults are in force: nobody has changed the policy yet.'}
        {canEdit ? '' : ' Only admins change the policy.'}
      </p>
      <div className="space-y-6">
        {canEdit ? (
          <>
            {hasErrors ? <Alert tone="error">Please correct the highlighted values to see the preview.</Alert> : null}
            <PolicyForm values={proposed?.values ?? values} errors={proposed?.errors ?? {}} spec={{ labels: POLICY_LABELS, bounds: POLICY_BOUNDS }} productName={configuredVendor().productName} />
            {preview?.ok ? <PreviewResult preview={preview.data} values={proposed!.values} /> : null}
          </>
        ) : (
          <dl aria-label="Policy values" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {(Object.keys(values) as (keyof Policy)[]).map((key) => (
              <div key={key} className="grid grid-cols-1 gap-1 px-4 py-3 sm:grid-cols-3">
                <dt className="text-sm font-medium text-slate-900">{POLICY_LABELS[key]}</dt>
                <dd className="text-sm text-slate-800 sm:col-span-2">{show(values[key])}</dd>
              </div>
            ))}
          </dl>
        )}
        <section aria-labelledby="rules-heading" className="space-y-3">
          <h2 id="rules-heading" className="text-lg font-semibold text-slate-900">
            The rules
          </h2>
          <DataTable label="Rules table" caption="Every findings rule, with its severity, what it checks and the fix" columns={['Rule', 'Severity', 'Why it matters', 'Fix']}>
            {catalogue.map((rule) => (
              <tr key={rule.id}>
                <td className="px-3 py-2 align-top text-sm text-slate-900">
                  {rule.title}
                  <div className="font-mono text-xs text-slate-600">{rule.id}</div>
                  {rule.policyKeys.length ? <div className="text-xs text-slate-600">Reads: {rule.policyKeys.map((key) => POLICY_LABELS[key]).join(', ')}</div> : null}
                </td>
                <td className="px-3 py-2 align-top">
                  <SeverityBadge severity={rule.severity} />
                </td>
                <td className="min-w-64 px-3 py-2 align-top text-sm text-slate-800">{rule.reason}</td>
                <td className="min-w-64 px-3 py-2 align-top text-sm text-slate-800">{rule.fix}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      </div>
    </>
  );
}

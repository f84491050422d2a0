// The Policy page's form (admins): a GET form, so that "Preview changes" works without JavaScript
// and the previewed values live in the URL (none of them is secret). Saving happens from the
// preview, after a confirmation (save-policy-control.tsx).
import Form from 'next/form';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { Policy } from '@/lib/validations/policy-values';

const DAY_KEYS = ['rotationMaxAgeDays', 'unusedDays', 'neverUsedDays', 'pendingInvitationDays', 'acceptRiskMaxDays'] as const;

const hints = (productName: string): Record<keyof Policy, string> => ({
  rotationMaxAgeDays: 'A token older than this is reported, whatever its rotate-by date.',
  unusedDays: `A token ${productName} last saw used longer ago is reported.`,
  neverUsedDays: 'A token recorded this long ago and never used is reported.',
  pendingInvitationDays: 'A machine user’s invitation pending longer is reported.',
  acceptRiskMaxDays: 'The longest an admin may accept a finding as a risk for.',
  allowHumanAdminOnProduction: 'When no, every account other than Keywarden’s machine users with admin on production is reported.',
  mintDeploymentTokens: 'When yes, a pasted token is used only to mint a fresh one for the environments, then deleted. Admins may choose otherwise per push.',
});

export interface PolicyFieldSpec {
  labels: Record<keyof Policy, string>;
  bounds: Record<(typeof DAY_KEYS)[number], { min: number; max: number }>;
}

/** `spec` comes from the page (lib/validations stays out of components, see the lint rule). */
export function PolicyForm({ values, errors, spec, productName }: { values: Policy; errors: Record<string, string[]>; spec: PolicyFieldSpec; productName: string }) {
  const hintOf = hints(productName);
  const { labels: POLICY_LABELS, bounds: POLICY_BOUNDS } = spec;
  return (
    <Form action="/review/policy" aria-label="Policy values" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="grid gap-4 sm:grid-cols-2">
        {DAY_KEYS.map((key) => (
          <TextField
            key={key}
            label={POLICY_LABELS[key]}
            name={key}
            type="number"
            inputMode="numeric"
            min={POLICY_BOUNDS[key].min}
            max={POLICY_BOUNDS[key].max}
            required
            defaultValue={values[key]}
            hint={hintOf[key]}
            errors={errors[key]}
          />
        ))}
        <SelectField label={POLICY_LABELS.allowHumanAdminOnProduction} name="allowHumanAdminOnProduction" defaultValue={String(values.allowHumanAdminOnProduction)} hint={hintOf.allowHumanAdminOnProduction} errors={errors.allowHumanAdminOnProduction}>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </SelectField>
        <SelectField label={POLICY_LABELS.mintDeploymentTokens} name="mintDeploymentTokens" defaultValue={String(values.mintDeploymentTokens)} hint={hintOf.mintDeploymentTokens} errors={errors.mintDeploymentTokens}>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </SelectField>
      </div>
      <Button type="submit" variant="secondary">
        Preview changes
      </Button>
    </Form>
  );
}

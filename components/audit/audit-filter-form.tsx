import Form from 'next/form';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { FieldErrors } from '@/lib/errors';

/** The filters as typed in the URL ('' when unset); the domain validates them. */
export type AuditFilterValues = {
  outcome: string;
  action: string;
  actor: string;
};

const OUTCOME_OPTIONS = [
  { value: '', label: 'Any outcome' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'refused', label: 'Refused' },
  { value: 'invalid', label: 'Invalid' },
  { value: 'failed', label: 'Failed' },
];

/** A GET form: the filters live in the URL, so a filtered view can be bookmarked or shared. */
export function AuditFilterForm({ values, errors }: { values: AuditFilterValues; errors?: FieldErrors }) {
  const isFiltered = Boolean(values.outcome || values.action || values.actor);
  return (
    <Form action="/audit" role="search" aria-label="Audit events" className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-[12rem_1fr_1fr_auto] lg:items-start">
      <SelectField label="Outcome" name="outcome" defaultValue={values.outcome} errors={errors?.outcome}>
        {OUTCOME_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Action"
        name="action"
        defaultValue={values.action}
        placeholder="user.invite"
        hint="The exact action name."
        autoComplete="off"
        spellCheck={false}
        maxLength={60}
        errors={errors?.action}
      />
      <TextField
        label="Actor e-mail contains"
        name="actor"
        type="search"
        defaultValue={values.actor}
        autoComplete="off"
        spellCheck={false}
        maxLength={254}
        errors={errors?.actor}
      />
      <div className="flex items-center gap-2 lg:pt-6">
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
        {isFiltered ? (
          <Link href="/audit" className="rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700">
            Clear filters
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

import Form from 'next/form';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { AuditActionOption } from '@/lib/domain/audit-log';
import type { FieldErrors } from '@/lib/errors';
import type { AuditEventQuery } from '@/lib/validations/audit';
import { isAuditFiltered, type AuditFilterValues } from './audit-list-params';

export type { AuditFilterValues } from './audit-list-params';

const OUTCOME_OPTIONS = [
  { value: '', label: 'Any outcome' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'refused', label: 'Refused' },
  { value: 'invalid', label: 'Invalid' },
  { value: 'failed', label: 'Failed' },
];

const TARGET_TYPE_OPTIONS = [
  { value: '', label: 'Any kind' },
  { value: 'machine_user', label: 'Machine user' },
  { value: 'project', label: 'Project' },
  { value: 'user', label: 'Dashboard user' },
  { value: 'inventory', label: 'Inventory' },
  { value: 'audit_log', label: 'Audit log' },
  { value: 'api_key', label: 'API key' },
];

const GROUP_LABELS: Record<string, string> = {
  token: 'Tokens',
  machine_user: 'Machine users',
  user: 'Dashboard users',
  inventory: 'Projects',
  onboarding: 'Onboarding',
  audit: 'Audit log',
  auth: 'Signing in',
  setup: 'First run',
  invitation: 'Invitations',
  notification: 'Notifications',
  mailbox: 'Mailbox',
  webhook: 'Webhooks',
};

const linkClasses =
  'rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';

function groupsOf(actions: readonly AuditActionOption[]): [string, AuditActionOption[]][] {
  const groups = new Map<string, AuditActionOption[]>();
  for (const action of actions) groups.set(action.group, [...(groups.get(action.group) ?? []), action]);
  return [...groups.entries()];
}

/** A GET form: the filters live in the URL (with the sort), so a filtered view can be bookmarked or shared. */
export function AuditFilterForm({
  values,
  order,
  actions,
  errors,
}: {
  values: AuditFilterValues;
  order: Pick<AuditEventQuery, 'sort' | 'dir'>;
  actions: readonly AuditActionOption[];
  errors?: FieldErrors;
}) {
  // A hand-typed action the list does not know stays selectable, so the form shows what the URL says.
  const known = actions.some((action) => action.value === values.action);
  return (
    <Form action="/audit" role="search" aria-label="Audit events" className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4 lg:items-start">
      <SelectField label="Action" name="action" defaultValue={values.action} errors={errors?.action}>
        <option value="">Any action</option>
        {!known && values.action ? <option value={values.action}>{values.action}</option> : null}
        {groupsOf(actions).map(([group, options]) => (
          <optgroup key={group} label={GROUP_LABELS[group] ?? group}>
            {options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label} ({option.value})
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <TextField label="Actor e-mail contains" name="actor" type="search" defaultValue={values.actor} autoComplete="off" spellCheck={false} maxLength={254} errors={errors?.actor} />
      <TextField
        label="Target name or id contains"
        name="target"
        type="search"
        defaultValue={values.target}
        autoComplete="off"
        spellCheck={false}
        maxLength={254}
        hint="An e-mail, a project title, a token name or an id."
        errors={errors?.target}
      />
      <SelectField label="Target kind" name="targetType" defaultValue={values.targetType} errors={errors?.targetType}>
        {TARGET_TYPE_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <SelectField label="Outcome" name="outcome" defaultValue={values.outcome} errors={errors?.outcome}>
        {OUTCOME_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <TextField label="From (UTC)" name="from" type="date" defaultValue={values.from} errors={errors?.from} />
      <TextField label="To (UTC, inclusive)" name="to" type="date" defaultValue={values.to} errors={errors?.to} />
      <input type="hidden" name="sort" value={order.sort} />
      <input type="hidden" name="dir" value={order.dir} />
      <div className="flex items-center gap-2 lg:pt-6">
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
        {isAuditFiltered(values) ? (
          <Link href="/audit" className={linkClasses}>
            Clear filters
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

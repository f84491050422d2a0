'use client';
// Creating a dashboard API key. A real form (useActionState with the server action): it works
// before hydration and without JavaScript. The key is in the action's answer only, shown here once;
// a reload (or leaving the page) loses it for good — the server keeps a keyed digest.
import { useEffect, useRef, useState } from 'react';
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Alert } from '@/components/ui/alert';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { FieldShell, SelectField, TextField } from '@/components/ui/field';
import { submittedDefaults } from '@/components/ui/submitted-values';
import { createApiKeyAction } from '@/lib/actions/api-keys';
import { ROLE_LABELS, type Role } from '@/lib/roles';
import { API_KEY_DEFAULT_DAYS, API_KEY_MAX_DAYS, API_KEY_NAME_MAX_LENGTH } from '@/lib/validations/limits';

export function CreateApiKeyForm({ ownRole, creatableRoles }: { ownRole: Role; creatableRoles: Role[] }) {
  const [state, formAction, isPending] = useAnchoredActionState(createApiKeyAction, null, 'create-api-key');
  const error = state && !state.ok ? state.error : undefined;
  const created = state?.ok ? state.data : undefined;
  const sent = submittedDefaults(state);
  const keyRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'unavailable'>('idle');

  useEffect(() => {
    if (created) keyRef.current?.focus();
  }, [created]);

  async function copyKey() {
    try {
      await navigator.clipboard.writeText(created?.key ?? '');
      setCopied('copied');
    } catch {
      keyRef.current?.select();
      setCopied('unavailable');
    }
  }

  return (
    <form action={formAction} aria-label="Create an API key" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField label="Name" name="name" defaultValue={sent.text('name')} required maxLength={API_KEY_NAME_MAX_LENGTH} placeholder="SIEM export" autoComplete="off" errors={fieldErrorsFor(error, 'name')} />
        <TextField
          label="Valid for (days)"
          name="expires_in_days"
          type="number"
          inputMode="numeric"
          required
          min={1}
          max={API_KEY_MAX_DAYS}
          defaultValue={sent.text('expires_in_days', String(API_KEY_DEFAULT_DAYS))}
          hint={`At most ${API_KEY_MAX_DAYS} days.`}
          errors={fieldErrorsFor(error, 'expires_in_days')}
        />
        <SelectField label="Role" name="role" defaultValue={sent.text('role')} errors={fieldErrorsFor(error, 'role')} hint="Never above yours. A reviewer key only reads.">
          <option value="">Same as mine ({ROLE_LABELS[ownRole]})</option>
          {creatableRoles
            .filter((role) => role !== ownRole)
            .map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
        </SelectField>
      </div>
      <Button id="create-api-key" type="submit" disabled={isPending}>
        {isPending ? 'Creating…' : 'Create key'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">
        {created ? (
          <Alert tone="success" title={`Key “${created.apiKey.name}” created`}>
            <p>Copy it now: Keywarden keeps only a digest, so this is the only time the key is shown.</p>
            <div className="mt-2">
              <FieldShell label="Your new API key">
                {({ id }) => (
                  <input
                    id={id}
                    ref={keyRef}
                    readOnly
                    value={created.key}
                    spellCheck={false}
                    autoComplete="off"
                    className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
                    onFocus={(event) => event.currentTarget.select()}
                  />
                )}
              </FieldShell>
            </div>
            <div className="mt-2 flex flex-wrap items-center gap-3">
              <NeedsJavaScript notice="Copying needs JavaScript: select the key above and copy it by hand.">
                <Button variant="secondary" onClick={copyKey}>
                  Copy key
                </Button>
              </NeedsJavaScript>
              <span className="text-sm text-slate-800" role="status">
                {copied === 'copied' ? 'Copied.' : copied === 'unavailable' ? 'Copying is not available here: the key is selected, copy it yourself.' : ''}
              </span>
            </div>
          </Alert>
        ) : null}
      </div>
    </form>
  );
}

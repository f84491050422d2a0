'use client';
// Changing a second factor needs re-authentication (issue 20): replacing the recovery codes asks
// for the current password; removing the authenticator app asks for the password and a code.
// Real forms (useActionState): they work before hydration and without JavaScript.
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { submittedDefaults } from '@/components/ui/submitted-values';
import {
  regenerateRecoveryCodesAction,
  removeSecondFactorAction,
  updateSecondFactorPolicyAction,
} from '@/lib/actions/second-factor';
import { PasskeyCheckButton } from './passkeys';
import { RecoveryCodes } from './recovery-codes';

export function RegenerateRecoveryCodesForm() {
  const [state, action, pending] = useAnchoredActionState(regenerateRecoveryCodesAction, null, 'replace-recovery-codes');
  const error = state && !state.ok ? state.error : undefined;
  if (state?.ok) return <RecoveryCodes codes={state.data.recoveryCodes} />;
  return (
    <form action={action} aria-label="Replace recovery codes" className="space-y-3">
      <p className="text-sm text-slate-800">New codes replace all the old ones, used or not.</p>
      <TextField label="Current password" name="password" type="password" autoComplete="current-password" required errors={fieldErrorsFor(error, 'password')} />
      <Button id="replace-recovery-codes" type="submit" variant="secondary" disabled={pending}>
        {pending ? 'Replacing…' : 'Replace recovery codes'}
      </Button>
      <ErrorSummary error={error} />
    </form>
  );
}

/** `hasPasskeys`: a passkey may confirm the removal instead of a code (then the code is optional). */
export function RemoveSecondFactorForm({
  factorId,
  label,
  kind = 'totp',
  hasPasskeys = false,
}: {
  factorId: string;
  label: string;
  kind?: 'totp' | 'passkey';
  hasPasskeys?: boolean;
}) {
  const [state, action, pending] = useAnchoredActionState(removeSecondFactorAction, null, `remove-${factorId}`);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={action} aria-label={`Remove ${label}`} className="space-y-3">
      <input type="hidden" name="factorId" value={factorId} />
      <input type="hidden" name="kind" value={kind} />
      <TextField label="Current password" name="password" type="password" autoComplete="current-password" required errors={fieldErrorsFor(error, 'password')} />
      <TextField
        label={hasPasskeys ? 'Code from the app, or a recovery code (or use a passkey below)' : 'Code from the app, or a recovery code'}
        name="code"
        autoComplete="one-time-code"
        required={!hasPasskeys}
        maxLength={40}
        errors={fieldErrorsFor(error, 'code')}
      />
      <Button id={`remove-${factorId}`} type="submit" variant="danger" disabled={pending}>
        {pending ? 'Removing…' : kind === 'passkey' ? 'Remove this passkey' : `Remove ${label.toLowerCase()}`}
      </Button>
      {hasPasskeys ? <PasskeyCheckButton /> : null}
      <ErrorSummary error={error} />
    </form>
  );
}

const REQUIREMENT_LABELS = {
  admins: 'Admins (the default)',
  everyone: 'Everyone',
  nobody: 'No one',
} as const;

export function SecondFactorPolicyForm({ requiredFor }: { requiredFor: keyof typeof REQUIREMENT_LABELS }) {
  const [state, action, pending] = useAnchoredActionState(updateSecondFactorPolicyAction, null, 'second-factor-policy');
  const error = state && !state.ok ? state.error : undefined;
  const sent = submittedDefaults(state);
  return (
    <form action={action} aria-label="Second factor policy" className="space-y-3">
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-900">A second factor is required for</legend>
        {(Object.keys(REQUIREMENT_LABELS) as (keyof typeof REQUIREMENT_LABELS)[]).map((value) => (
          <label key={value} className="flex items-center gap-2 text-sm text-slate-800">
            <input type="radio" name="requiredFor" value={value} defaultChecked={sent.checked('requiredFor', value, value === requiredFor)} />
            {REQUIREMENT_LABELS[value]}
          </label>
        ))}
      </fieldset>
      <p className="text-xs text-slate-600">
        Applies at each password sign-in: someone it covers who has no second factor is sent to set one up before any page. Single sign-on
        users are exempt (their provider handles MFA).
      </p>
      <Button id="second-factor-policy" type="submit" variant="secondary" disabled={pending}>
        {pending ? 'Saving…' : 'Save policy'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">{state?.ok ? <Alert tone="success">Saved: {REQUIREMENT_LABELS[state.data.requiredFor as keyof typeof REQUIREMENT_LABELS]}.</Alert> : null}</div>
    </form>
  );
}

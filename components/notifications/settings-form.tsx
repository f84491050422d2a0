'use client';
// The organisation's notification defaults (admins): the choice for users who made none, and the
// days before a rotate-by date that the owners are reminded.
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { SelectField, TextField } from '@/components/ui/field';
import { submittedDefaults } from '@/components/ui/submitted-values';
import { updateNotificationSettingsAction } from '@/lib/actions/notifications';
import {
  CAMPAIGN_DUE_DAYS_BOUNDS,
  CHOICE_LABELS,
  EVENT_LABELS,
  NOTIFICATION_CHOICES,
  NOTIFICATION_EVENTS,
  REMINDER_DAYS_BOUNDS,
  REVOCATION_OPEN_HOURS_BOUNDS,
  type NotificationChoice,
  type NotificationEvent,
} from '@/lib/notifications/events';
import { useVendor } from '@/components/vendor-context';

export function NotificationSettingsForm({
  defaults,
  reminderDays,
  revocationOpenHours,
  campaignDueDays,
}: {
  defaults: Record<NotificationEvent, NotificationChoice>;
  reminderDays: number[];
  revocationOpenHours: number;
  campaignDueDays: number;
}) {
  const { productName } = useVendor();
  const [state, formAction, isPending] = useAnchoredActionState(updateNotificationSettingsAction, null, 'notification-defaults');
  const error = state && !state.ok ? state.error : undefined;
  const sent = submittedDefaults(state);
  return (
    <form action={formAction} aria-label="Organisation notification defaults" className="space-y-4">
      <TextField
        label="Reminder days before a rotate-by date"
        name="reminderDays"
        defaultValue={sent.text('reminderDays', reminderDays.join(', '))}
        required
        inputMode="numeric"
        autoComplete="off"
        hint={`Whole days, separated by commas (at most ${REMINDER_DAYS_BOUNDS.count}), e.g. 14, 3. The owners also hear on the day and when it is past (then weekly).`}
        errors={fieldErrorsFor(error, 'reminderDays')}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Hours before an open revocation is announced"
          name="revocationOpenHours"
          type="number"
          min={REVOCATION_OPEN_HOURS_BOUNDS.min}
          max={REVOCATION_OPEN_HOURS_BOUNDS.max}
          defaultValue={sent.text('revocationOpenHours', String(revocationOpenHours))}
          required
          hint={`A revoked or compromised token whose variables or ${productName} token are still not deleted after this long.`}
          errors={fieldErrorsFor(error, 'revocationOpenHours')}
        />
        <TextField
          label="Days before a review campaign’s due date"
          name="campaignDueDays"
          type="number"
          min={CAMPAIGN_DUE_DAYS_BOUNDS.min}
          max={CAMPAIGN_DUE_DAYS_BOUNDS.max}
          defaultValue={sent.text('campaignDueDays', String(campaignDueDays))}
          required
          hint="Reviewers are reminded once this many days before an open campaign is due."
          errors={fieldErrorsFor(error, 'campaignDueDays')}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {NOTIFICATION_EVENTS.map((event) => (
          <SelectField key={event} label={`Default: ${EVENT_LABELS[event].label}`} name={`default.${event}`} defaultValue={sent.text(`default.${event}`, defaults[event])} errors={fieldErrorsFor(error, `defaults.${event}`)}>
            {NOTIFICATION_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {CHOICE_LABELS[choice]}
              </option>
            ))}
          </SelectField>
        ))}
      </div>
      <Button id="notification-defaults" type="submit" disabled={isPending}>
        {isPending ? 'Saving…' : 'Save the defaults'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">{state?.ok ? <Alert tone="success">The organisation’s defaults are saved (reminders {state.data.reminderDays.join(' and ')} days before).</Alert> : null}</div>
    </form>
  );
}

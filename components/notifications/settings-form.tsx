'use client';
// The organisation's notification defaults (admins): the choice for users who made none, and the
// days before a rotate-by date that the owners are reminded.
import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { SelectField, TextField } from '@/components/ui/field';
import { updateNotificationSettingsAction } from '@/lib/actions/notifications';
import { CHOICE_LABELS, EVENT_LABELS, NOTIFICATION_CHOICES, NOTIFICATION_EVENTS, REMINDER_DAYS_BOUNDS, type NotificationChoice, type NotificationEvent } from '@/lib/notifications/events';

export function NotificationSettingsForm({ defaults, reminderDays }: { defaults: Record<NotificationEvent, NotificationChoice>; reminderDays: number[] }) {
  const [state, formAction, isPending] = useActionState(updateNotificationSettingsAction, null);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={formAction} aria-label="Organisation notification defaults" className="space-y-4">
      <TextField
        label="Reminder days before a rotate-by date"
        name="reminderDays"
        defaultValue={reminderDays.join(', ')}
        required
        inputMode="numeric"
        autoComplete="off"
        hint={`Whole days, separated by commas (at most ${REMINDER_DAYS_BOUNDS.count}), e.g. 14, 3. The owners also hear on the day and when it is past (then weekly).`}
        errors={fieldErrorsFor(error, 'reminderDays')}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        {NOTIFICATION_EVENTS.map((event) => (
          <SelectField key={event} label={`Default: ${EVENT_LABELS[event].label}`} name={`default.${event}`} defaultValue={defaults[event]} errors={fieldErrorsFor(error, `defaults.${event}`)}>
            {NOTIFICATION_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {CHOICE_LABELS[choice]}
              </option>
            ))}
          </SelectField>
        ))}
      </div>
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Saving…' : 'Save the defaults'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">{state?.ok ? <Alert tone="success">The organisation’s defaults are saved (reminders {state.data.reminderDays.join(' and ')} days before).</Alert> : null}</div>
    </form>
  );
}

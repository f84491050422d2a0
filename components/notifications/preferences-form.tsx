'use client';
// Each user's notification preferences: one choice per event (e-mail at once, daily digest, in-app
// only). A real form: it works before hydration and without JavaScript.
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { SelectField } from '@/components/ui/field';
import { submittedDefaults } from '@/components/ui/submitted-values';
import { usePostbackActionState } from '@/components/ui/use-postback-action-state';
import { updatePreferencesAction } from '@/lib/actions/notifications';
import { CHOICE_LABELS, EVENT_LABELS, NOTIFICATION_CHOICES, NOTIFICATION_EVENTS, type NotificationChoice, type NotificationEvent } from '@/lib/notifications/events';

export function PreferencesForm({
  own,
  defaults,
}: {
  own: Record<NotificationEvent, NotificationChoice | null>;
  defaults: Record<NotificationEvent, NotificationChoice>;
}) {
  const [state, formAction, isPending] = usePostbackActionState(updatePreferencesAction, null, 'notification-preferences-outcome');
  const error = state && !state.ok ? state.error : undefined;
  const sent = submittedDefaults(state);
  return (
    <form action={formAction} aria-label="Your notification preferences" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        {NOTIFICATION_EVENTS.map((event) => (
          <div key={event} id={`event-${event}`} className="scroll-mt-20">
            <SelectField
              label={EVENT_LABELS[event].label}
              name={`choice.${event}`}
              defaultValue={sent.text(`choice.${event}`, own[event] ?? defaults[event])}
              hint={`Sent to ${EVENT_LABELS[event].recipients}. Organisation default: ${CHOICE_LABELS[defaults[event]].toLowerCase()}.`}
              errors={fieldErrorsFor(error, `choices.${event}`)}
            >
              {NOTIFICATION_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {CHOICE_LABELS[choice]}
                </option>
              ))}
            </SelectField>
          </div>
        ))}
      </div>
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Saving…' : 'Save my preferences'}
      </Button>
      <div id="notification-preferences-outcome" className="scroll-mt-20 space-y-2">
        <ErrorSummary error={error} />
        <div aria-live="polite">{state?.ok ? <Alert tone="success">Your preferences are saved.</Alert> : null}</div>
      </div>
    </form>
  );
}

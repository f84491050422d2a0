'use client';
// Webhook endpoints (admins): register one (its secret is shown once, here), send a test event,
// delete one (a checkbox confirms it). Real forms: they work before hydration and without JavaScript.
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { submittedDefaults } from '@/components/ui/submitted-values';
import { createWebhookAction, deleteWebhookAction, sendWebhookTestAction } from '@/lib/actions/notifications';
import { EVENT_LABELS, NOTIFICATION_EVENTS } from '@/lib/notifications/events';

export function CreateWebhookForm() {
  const [state, formAction, isPending] = useAnchoredActionState(createWebhookAction, null, 'register-webhook');
  const error = state && !state.ok ? state.error : undefined;
  const eventErrors = fieldErrorsFor(error, 'events');
  const sent = submittedDefaults(state);
  return (
    <form action={formAction} aria-label="Register a webhook endpoint" className="space-y-4">
      <TextField label="Endpoint URL" name="url" type="url" defaultValue={sent.text('url')} required autoComplete="off" spellCheck={false} placeholder="https://hooks.example.com/keywarden" hint="https:// (http:// only for loopback)." errors={fieldErrorsFor(error, 'url')} />
      <fieldset className="space-y-2" aria-describedby={eventErrors ? 'webhook-events-error' : undefined}>
        <legend className="text-sm font-medium text-slate-900">Events it receives</legend>
        {NOTIFICATION_EVENTS.map((event) => (
          <label key={event} className="flex items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" name="events" value={event} defaultChecked={sent.checked('events', event, true)} className="size-4" />
            {EVENT_LABELS[event].label}
          </label>
        ))}
        {eventErrors ? (
          <p id="webhook-events-error" className="text-sm text-red-700">
            {eventErrors.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-900">Body format (signed either way)</legend>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input type="radio" name="format" value="json" defaultChecked={sent.checked('format', 'json', true)} className="size-4" />
          Keywarden JSON (id, event, title, body, link)
        </label>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input type="radio" name="format" value="slack" defaultChecked={sent.checked('format', 'slack', false)} className="size-4" />
          Slack-compatible (text and blocks, for an incoming-webhook URL)
        </label>
      </fieldset>
      <label className="flex items-start gap-2 text-sm text-slate-800">
        <input type="checkbox" name="allowPrivate" defaultChecked={sent.checked('allowPrivate', 'on', false)} className="mt-0.5 size-4" />
        <span>Allow a private or loopback target (an internal receiver). Leave it off for anything on the internet.</span>
      </label>
      <Button id="register-webhook" type="submit" disabled={isPending}>
        {isPending ? 'Registering…' : 'Register endpoint'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">
        {state?.ok ? (
          <Alert tone="success" title="Endpoint registered">
            <p>Copy its signing secret now: it is shown this once.</p>
            <p className="mt-2 font-mono break-all" aria-label="Signing secret">
              {state.data.secret}
            </p>
          </Alert>
        ) : null}
      </div>
    </form>
  );
}

export function WebhookTestForm({ endpointId, url }: { endpointId: string; url: string }) {
  const [state, formAction, isPending] = useAnchoredActionState(sendWebhookTestAction, null, `test-${endpointId}`);
  return (
    <form action={formAction} aria-label={`Send a test event to ${url}`}>
      <input type="hidden" name="endpointId" value={endpointId} />
      <Button id={`test-${endpointId}`} type="submit" variant="secondary" size="sm" disabled={isPending}>
        {isPending ? 'Sending…' : 'Send test event'}
      </Button>
      <ErrorSummary error={state && !state.ok ? state.error : undefined} />
      <div aria-live="polite">{state?.ok ? <p className="mt-1 text-sm text-slate-800">Test event {state.data.status === 'succeeded' ? 'delivered' : `not delivered yet (${state.data.status}): see the log`}.</p> : null}</div>
    </form>
  );
}

export function DeleteWebhookForm({ endpointId, url }: { endpointId: string; url: string }) {
  const [state, formAction, isPending] = useAnchoredActionState(deleteWebhookAction, null, `delete-${endpointId}`);
  return (
    <form action={formAction} aria-label={`Delete ${url}`} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input type="checkbox" name="confirm" required className="size-4" />
        Yes, delete it and its log
      </label>
      <Button id={`delete-${endpointId}`} type="submit" variant="secondary" size="sm" disabled={isPending}>
        Delete endpoint
      </Button>
      <ErrorSummary error={state && !state.ok ? state.error : undefined} />
    </form>
  );
}

'use client';
// One item's decision: keep, change or remove, with a note (required for change and remove). A real
// form (the page's useActionState with the server action, sign-off-state.tsx): keyboard reachable,
// and it works without JavaScript. The page confirms a saved decision; a refusal shows here.
import { useId } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { submittedDefaults } from '@/components/ui/submitted-values';
import { REVIEW_NOTE_MAX_LENGTH } from '@/lib/validations/limits';
import { useSignOff } from './sign-off-state';

type Decision = 'keep' | 'change' | 'remove';

const CHOICES: { value: Decision; label: string; hint: string }[] = [
  { value: 'keep', label: 'Keep', hint: 'as it is' },
  { value: 'change', label: 'Change', hint: 'an admin changes it' },
  { value: 'remove', label: 'Remove', hint: 'an admin removes it' },
];

export function SignOffForm({ itemId, email, current }: { itemId: string; email: string; current: { kind: Decision; note: string | null } | null }) {
  const id = useId();
  const { answer, formAction, pendingItemId, sending } = useSignOff();
  // Only this item's refusal: the page's state answers every item's form.
  const state = answer?.itemId === itemId ? answer : null;
  const isPending = pendingItemId === itemId;
  const error = state && !state.ok ? state.error : undefined;
  const decisionErrors = fieldErrorsFor(error, 'decision');
  const noteErrors = fieldErrorsFor(error, 'note');
  const sent = submittedDefaults(state);
  return (
    <form action={formAction} onSubmit={(event) => sending(itemId, event.currentTarget)} data-sign-off-item={itemId} aria-label={`Decision for ${email}`} className="space-y-3">
      <input type="hidden" name="itemId" value={itemId} />
      <fieldset aria-describedby={decisionErrors ? `${id}-decision-error` : undefined}>
        <legend className="text-sm font-medium text-slate-900">Decision</legend>
        <div className="mt-1 flex flex-wrap gap-x-5 gap-y-1">
          {CHOICES.map((choice) => (
            <label key={choice.value} className="flex items-baseline gap-2 text-sm text-slate-900">
              <input type="radio" name="decision" value={choice.value} defaultChecked={sent.checked('decision', choice.value, current?.kind === choice.value)} required className="size-4 accent-indigo-700" />
              <span>
                {choice.label} <span className="text-xs text-slate-700">({choice.hint})</span>
              </span>
            </label>
          ))}
        </div>
        {decisionErrors ? (
          <p id={`${id}-decision-error`} className="mt-1 text-sm text-red-700">
            {decisionErrors.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <div className="space-y-1">
        <label htmlFor={`${id}-note`} className="block text-sm font-medium text-slate-900">
          Note
        </label>
        <textarea
          id={`${id}-note`}
          name="note"
          rows={2}
          maxLength={REVIEW_NOTE_MAX_LENGTH}
          defaultValue={sent.text('note', current?.note ?? '')}
          aria-describedby={`${id}-note-hint${noteErrors ? ` ${id}-note-error` : ''}`}
          aria-invalid={Boolean(noteErrors)}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 aria-[invalid=true]:border-red-700"
        />
        <p id={`${id}-note-hint`} className="text-xs text-slate-600">
          Required for change and remove: what should change, or why it goes. Never paste a token here.
        </p>
        {noteErrors ? (
          <p id={`${id}-note-error`} className="text-sm text-red-700">
            {noteErrors.join(' ')}
          </p>
        ) : null}
      </div>
      <Button type="submit" size="sm" disabled={isPending}>
        {isPending ? 'Saving…' : current ? 'Change decision' : 'Save decision'}
      </Button>
      <ErrorSummary error={error} />
    </form>
  );
}

import { Alert } from '@/components/ui/alert';
import type { ErrorBody } from '@/lib/errors';

/** The general message of a failed action, in a region that announces it when it appears. */
export function ErrorSummary({ error }: { error: ErrorBody | undefined }) {
  return <div aria-live="polite">{error ? <Alert tone="error">{error.message}</Alert> : null}</div>;
}

/** Errors for a field, including those reported on its items (e.g. `projectIds.0`). */
export function fieldErrorsFor(error: ErrorBody | undefined, field: string): string[] | undefined {
  if (!error?.fieldErrors) return undefined;
  const messages = Object.entries(error.fieldErrors)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([, values]) => values);
  return messages.length > 0 ? [...new Set(messages)] : undefined;
}

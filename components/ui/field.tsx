import { useId, type ComponentProps, type ReactNode } from 'react';
import { cn } from '@/lib/utils';

const CONTROL = cn(
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900',
  'focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 aria-[invalid=true]:border-red-700',
);

interface FieldShellProps {
  label: string;
  errors?: string[];
  hint?: ReactNode;
  children: (ids: { id: string; describedBy?: string; invalid: boolean }) => ReactNode;
}

/** A labelled control with its hint and error messages wired up for assistive technology. */
export function FieldShell({ label, errors, hint, children }: FieldShellProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      {children({ id, describedBy, invalid: Boolean(errorId) })}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p id={errorId} className="text-sm text-red-700">
          {errors?.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

export interface TextFieldProps extends ComponentProps<'input'> {
  label: string;
  errors?: string[];
  hint?: ReactNode;
}

export function TextField({ label, errors, hint, className, ...props }: TextFieldProps) {
  return (
    <FieldShell label={label} errors={errors} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <input id={id} aria-describedby={describedBy} aria-invalid={invalid} className={cn(CONTROL, className)} {...props} />
      )}
    </FieldShell>
  );
}

export interface SelectFieldProps extends ComponentProps<'select'> {
  label: string;
  errors?: string[];
  hint?: ReactNode;
}

export function SelectField({ label, errors, hint, className, children, ...props }: SelectFieldProps) {
  return (
    <FieldShell label={label} errors={errors} hint={hint}>
      {({ id, describedBy, invalid }) => (
        // React applies a select's defaultValue only when it mounts (unlike an input's), so a new
        // default (a refused form's echo, components/ui/submitted-values.ts) remounts it.
        <select key={String(props.defaultValue ?? '')} id={id} aria-describedby={describedBy} aria-invalid={invalid} className={cn(CONTROL, className)} {...props}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}

export interface TextAreaFieldProps extends ComponentProps<'textarea'> {
  label: string;
  errors?: string[];
  hint?: ReactNode;
}

export function TextAreaField({ label, errors, hint, className, ...props }: TextAreaFieldProps) {
  return (
    <FieldShell label={label} errors={errors} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <textarea id={id} aria-describedby={describedBy} aria-invalid={invalid} className={cn(CONTROL, className)} {...props} />
      )}
    </FieldShell>
  );
}

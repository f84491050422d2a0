'use client';
// "Try it" for a read operation of the API reference (/api/docs): fills the path and query
// parameters, sends the request from the browser with the signed-in session (same origin: the CSP's
// connect-src 'self' allows it, and nothing loads from elsewhere) and shows the answer. Reads only:
// a change is not one click away on a reference page. Without JavaScript, an operation without
// path parameters is a plain GET form that opens the JSON answer; the others need JavaScript.
import { useId, useState, useSyncExternalStore, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';

export interface TryItParameter {
  name: string;
  where: 'path' | 'query';
  required: boolean;
  /** The allowed values, when the parameter is an enum. */
  choices?: string[];
  hint?: string;
}

interface Answer {
  url: string;
  status: number;
  statusText: string;
  contentType: string;
  body: string;
}

const subscribeNever = () => () => undefined;

function pretty(text: string, contentType: string): string {
  if (!contentType.includes('json')) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function TryIt({ operationId, path, parameters }: { operationId: string; path: string; parameters: TryItParameter[] }) {
  const hydrated = useSyncExternalStore(subscribeNever, () => true, () => false);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const resultId = useId();
  const hasPathParameters = parameters.some((parameter) => parameter.where === 'path');

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    let url = path;
    const query = new URLSearchParams();
    for (const parameter of parameters) {
      const value = String(form.get(parameter.name) ?? '').trim();
      if (parameter.where === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(value));
      else if (value !== '') query.append(parameter.name, value);
    }
    if (query.size > 0) url = `${url}?${query.toString()}`;
    setPending(true);
    setFailure(null);
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
      const contentType = response.headers.get('content-type') ?? '';
      setAnswer({ url, status: response.status, statusText: response.statusText, contentType, body: pretty(await response.text(), contentType) });
    } catch {
      setAnswer(null);
      setFailure('The request did not reach Keywarden (offline, or the server is restarting). Try again.');
    } finally {
      setPending(false);
    }
  }

  return (
    <details className="mt-3 rounded-md border border-slate-200">
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-indigo-800">Try it</summary>
      <form action={hasPathParameters ? undefined : path} method="get" onSubmit={send} aria-label={`Try ${operationId}`} className="space-y-3 border-t border-slate-200 p-3">
        <p className="text-sm text-slate-700">Sent from this browser with your session: you see what your role may see. Empty fields are left out.</p>
        {parameters.length > 0 ? (
          <div className="grid gap-3 sm:grid-cols-2">
            {parameters.map((parameter) => {
              const label = `${parameter.name}${parameter.required ? '' : ' (optional)'}`;
              return parameter.choices ? (
                <SelectField key={parameter.name} name={parameter.name} label={label} hint={parameter.hint} defaultValue="">
                  <option value="">{parameter.required ? 'Choose…' : '(default)'}</option>
                  {parameter.choices.map((choice) => (
                    <option key={choice} value={choice}>
                      {choice}
                    </option>
                  ))}
                </SelectField>
              ) : (
                <TextField key={parameter.name} name={parameter.name} label={label} hint={parameter.hint} required={parameter.required} autoComplete="off" spellCheck={false} />
              );
            })}
          </div>
        ) : null}
        <Button type="submit" size="sm" disabled={pending || (hasPathParameters && !hydrated)} aria-describedby={resultId}>
          {pending ? 'Sending…' : 'Send request'}
        </Button>
        {hasPathParameters && !hydrated ? <p className="text-sm text-slate-700">Needs JavaScript (the path is filled in by the page).</p> : null}
        <div id={resultId} aria-live="polite" className="space-y-2">
          {failure ? <p className="text-sm text-red-700">{failure}</p> : null}
          {answer ? (
            <>
              <p className="text-sm text-slate-900">
                <span className="font-mono">GET {answer.url}</span> → <strong>{answer.status}</strong> {answer.statusText}
                {answer.contentType ? <span className="text-slate-700"> · {answer.contentType.split(';')[0]}</span> : null}
              </p>
              <pre
                tabIndex={0}
                aria-label={`Answer of ${operationId}`}
                className="max-h-96 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-900 [contain:inline-size]"
              >
                {answer.body}
              </pre>
            </>
          ) : null}
        </div>
      </form>
    </details>
  );
}

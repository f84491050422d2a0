'use client';

import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { FieldShell } from '@/components/ui/field';
import { lintAppConfig, type LintFinding } from '@/lib/onboarding';

const SEVERITY_TONES = { error: 'red', warning: 'amber', info: 'neutral' } as const;

/** The pasted configuration stays in this page: the linter runs in the browser, nothing is sent. */
const MAX_LENGTH = 100_000;

function where(finding: LintFinding): string {
  const parts = [finding.line ? `Line ${finding.line}` : null, finding.appName ? `app ${finding.appName}` : null, finding.cronName ? `cron ${finding.cronName}` : null].filter(Boolean);
  return parts.join(', ');
}

export function ConfigLinter() {
  const [findings, setFindings] = useState<LintFinding[]>();
  const [error, setError] = useState<string>();

  function lint(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('config') ?? '');
    if (text.trim() === '') {
      setFindings(undefined);
      setError('Paste the app configuration first.');
      return;
    }
    setError(undefined);
    setFindings(lintAppConfig(text));
  }

  // Checked in this browser only: without JavaScript a native submission would send the pasted
  // configuration to the server (in the address, for a GET), so it is post-only and disabled.
  return (
    <form method="post" onSubmit={lint} className="space-y-3" aria-label="App configuration linter">
      <NeedsJavaScript notice="The linter needs JavaScript (it checks the configuration in your browser): turn it on for this site, then reload this page.">
        <FieldShell label="App configuration (YAML)" errors={error ? [error] : undefined} hint="Paste .platform.app.yaml, .platform/applications.yaml or .upsun/config.yaml. It is checked in your browser and sent nowhere.">
          {({ id, describedBy, invalid }) => (
            <textarea
              id={id}
              name="config"
              rows={12}
              maxLength={MAX_LENGTH}
              spellCheck={false}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700"
            />
          )}
        </FieldShell>
        <Button type="submit" variant="secondary">
          Check the configuration
        </Button>
      </NeedsJavaScript>
      <div aria-live="polite">
        {findings === undefined ? null : findings.length === 0 ? (
          <Alert tone="success" title="No warnings">
            Every cron that calls the CLI runs on production only, with --no-wait.
          </Alert>
        ) : (
          <section aria-label="Linter findings" className="rounded-lg border border-slate-200 bg-white">
            <h3 className="border-b border-slate-200 px-4 py-2 text-sm font-semibold text-slate-900">
              {findings.length === 1 ? '1 finding' : `${findings.length} findings`}
            </h3>
            <ul className="divide-y divide-slate-200">
              {findings.map((finding, index) => (
                <li key={`${finding.code}-${finding.line ?? 0}-${index}`} className="px-4 py-3 text-sm">
                  <p className="flex flex-wrap items-center gap-2">
                    <Badge tone={SEVERITY_TONES[finding.severity]}>{finding.severity}</Badge>
                    <span className="font-medium text-slate-900">{where(finding) || 'The whole file'}</span>
                    <span className="font-mono text-xs text-slate-600">{finding.code}</span>
                  </p>
                  <p className="mt-1 text-slate-800">{finding.message}</p>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </form>
  );
}

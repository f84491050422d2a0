'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { Button, buttonClasses } from '@/components/ui/button';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import type { Snippet } from '@/lib/onboarding';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * A generated snippet with Copy (to the clipboard, with a status a screen reader hears) and
 * Download (the header comment says where the file goes: browsers drop directories and leading
 * dots from a download's name, so `.gitlab-ci.yml` could not be downloaded as such anyway).
 */
export function SnippetBlock({ title, snippet, description }: { title: string; snippet: Snippet; description?: string }) {
  const headingId = useId();
  const [copyState, setCopyState] = useState<CopyState>('idle');
  const reset = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(reset.current), []);

  // A new text (another form or task chosen) has not been copied yet.
  const [copiedText, setCopiedText] = useState<string>();
  const status = copyState === 'copied' && copiedText === snippet.text ? 'Copied' : copyState === 'failed' ? 'Copy failed: select the text and copy it by hand.' : '';

  async function copy() {
    clearTimeout(reset.current);
    try {
      await navigator.clipboard.writeText(snippet.text);
      setCopiedText(snippet.text);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
    reset.current = setTimeout(() => setCopyState('idle'), 4000);
  }

  // A link to the text itself, not a click handler: the download works without JavaScript too.
  const type = snippet.language === 'yaml' ? 'application/yaml' : 'text/x-shellscript';
  const downloadHref = `data:${type};charset=utf-8,${encodeURIComponent(snippet.text)}`;

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2">
        <div>
          <h3 id={headingId} className="text-sm font-semibold text-slate-900">
            {title}
          </h3>
          {description ? <p className="text-xs text-slate-600">{description}</p> : null}
        </div>
        <div className="flex items-center gap-2">
          <span role="status" aria-live="polite" className="text-xs font-medium text-emerald-800">
            {status}
          </span>
          <NeedsJavaScript notice="Copying needs JavaScript: select the text and copy it by hand.">
            <Button variant="secondary" size="sm" onClick={() => void copy()} aria-label={`Copy ${title}`}>
              Copy
            </Button>
          </NeedsJavaScript>
          <a href={downloadHref} download={snippet.filename} className={buttonClasses('secondary', 'sm')} aria-label={`Download ${title} as ${snippet.filename}`}>
            Download
          </a>
        </div>
      </div>
      {/* Focusable, so that a keyboard user can scroll a long snippet; a group, so that it may carry a name. */}
      <pre tabIndex={0} role="group" aria-label={`${title} (${snippet.filename})`} className="max-h-96 overflow-auto p-4 text-xs leading-relaxed text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-700">
        <code>{snippet.text}</code>
      </pre>
    </section>
  );
}

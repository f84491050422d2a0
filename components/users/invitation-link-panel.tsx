'use client';

import { useEffect, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FieldShell } from '@/components/ui/field';
import { formatDateTime } from '@/lib/utils';
import type { InvitationLink } from '@/lib/domain/users';

type CopyState = 'idle' | 'copied' | 'unavailable';

interface InvitationLinkPanelProps {
  email: string;
  invitation: InvitationLink;
  /** Said when the link replaces an earlier one. */
  replacesEarlierLink?: boolean;
  onDone: () => void;
}

/**
 * Shows an invitation link the only time it exists in readable form: the server keeps a digest,
 * and this component keeps the link in memory only while it is on screen.
 */
export function InvitationLinkPanel({ email, invitation, replacesEarlierLink, onDone }: InvitationLinkPanelProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<CopyState>('idle');

  // The form that produced the link is gone, and with it the focused button: put focus on the link.
  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  useEffect(() => {
    if (copyState !== 'copied') return;
    const timer = window.setTimeout(() => setCopyState('idle'), 4000);
    return () => window.clearTimeout(timer);
  }, [copyState]);

  async function copyLink() {
    try {
      // navigator.clipboard exists only in a secure context (https or localhost).
      if (!navigator.clipboard) throw new Error('clipboard unavailable');
      await navigator.clipboard.writeText(invitation.url);
      setCopyState('copied');
    } catch {
      inputRef.current?.select();
      setCopyState('unavailable');
    }
  }

  return (
    <div className="space-y-4">
      <Alert tone="success" title={`Invitation link created for ${email}`}>
        {replacesEarlierLink ? 'The previous invitation link no longer works.' : null}
      </Alert>
      <div className="flex items-end gap-2">
        <div className="min-w-0 flex-1">
          <FieldShell label="Invitation link">
            {({ id, describedBy }) => (
              <input
                ref={inputRef}
                id={id}
                aria-describedby={describedBy}
                value={invitation.url}
                readOnly
                autoComplete="off"
                spellCheck={false}
                className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-xs text-slate-900 focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700"
                onFocus={(event) => event.currentTarget.select()}
              />
            )}
          </FieldShell>
        </div>
        <Button variant="secondary" onClick={() => void copyLink()}>
          Copy link
        </Button>
      </div>
      <p aria-live="polite" className="min-h-5 text-sm font-medium text-slate-900">
        {copyState === 'copied' ? 'Copied' : null}
        {copyState === 'unavailable' ? 'Copying is not available here. The link is selected: press Ctrl+C (⌘C on a Mac).' : null}
      </p>
      <p>
        This link is shown only now: Keywarden keeps only a digest of it and cannot show it again. Send it to {email} yourself,
        through a channel you trust. It expires on <time dateTime={invitation.expiresAt}>{formatDateTime(invitation.expiresAt)}</time>.
        If it gets lost, create a new invitation link.
      </p>
      <div className="flex justify-end">
        <Button onClick={onDone}>Done</Button>
      </div>
    </div>
  );
}

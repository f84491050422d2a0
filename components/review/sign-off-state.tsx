'use client';
// One form state for every decision form of a campaign's page. A decision takes its item off the
// undecided list in the same render that brings the answer, so a state kept by the item's own form
// was dropped with it, and nobody saw that the decision was saved. Kept here, above the list, the
// answer survives: the page confirms it (with or without JavaScript, as useActionState answers a
// post without JavaScript too, scrolled to the confirmation), and a refusal goes back to the form of its item (the answer names it).
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { PageNotice } from '@/components/ui/page-notice';
import { signOffAction, type SignOffAnswer } from '@/lib/actions/reviews';

interface SignOffState {
  /** The last answer, whichever item it was for. */
  answer: SignOffAnswer | null;
  formAction: (form: FormData) => void;
  /** The item whose form is being sent, while it is. */
  pendingItemId: string | null;
  sending: (itemId: string) => void;
}

const SignOffContext = createContext<SignOffState | null>(null);

/** Without JavaScript a decision's page comes back scrolled to the notice that confirms it. */
const DECISION_NOTICE_ID = 'decision-saved';

export function SignOffProvider({ children }: { children: ReactNode }) {
  const [answer, formAction, isPending] = useAnchoredActionState(signOffAction, null, DECISION_NOTICE_ID);
  const [sentItemId, setSentItemId] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<SignOffAnswer | null>(null);
  const saved = answer?.ok && answer !== dismissed ? answer.data : undefined;
  const message = saved ? `Decision saved for ${saved.email}: ${saved.decision}${saved.hasOpenTask ? ' — an admin has a task for it.' : '.'}` : '';
  return (
    <SignOffContext value={{ answer, formAction, pendingItemId: isPending ? sentItemId : null, sending: setSentItemId }}>
      <PageNotice id={DECISION_NOTICE_ID} message={message} onDismiss={() => setDismissed(answer)} />
      {children}
    </SignOffContext>
  );
}

export function useSignOff(): SignOffState {
  const state = useContext(SignOffContext);
  if (!state) throw new Error('A decision form needs a SignOffProvider above it.');
  return state;
}

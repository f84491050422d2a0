'use client';
// One form state for every decision form of a campaign's page. A decision takes its item off the
// undecided list in the same render that brings the answer, so a state kept by the item's own form
// was dropped with it, and nobody saw that the decision was saved. Kept here, above the list, the
// answer survives: the page confirms it (with or without JavaScript, as useActionState answers a
// post without JavaScript too, scrolled to the confirmation), and a refusal goes back to the form of its item (the answer names it).
//
// Focus: the decided item's card leaves the undecided list with the button that had focus, which
// dropped a keyboard user at the top of the page. Focus goes to the decision of the item that was
// next (the reviewer goes on from where they were), or to the confirmation when none is left.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { PageNotice } from '@/components/ui/page-notice';
import { signOffAction, type SignOffAnswer } from '@/lib/actions/reviews';

interface SignOffState {
  /** The last answer, whichever item it was for. */
  answer: SignOffAnswer | null;
  formAction: (form: FormData) => void;
  /** The item whose form is being sent, while it is. */
  pendingItemId: string | null;
  /** Called as a form is sent, with the form (the item after it is where focus goes once it is decided). */
  sending: (itemId: string, form: HTMLFormElement) => void;
}

/** What each decision form carries (sign-off-form.tsx), so that the provider can find the next one. */
const SIGN_OFF_ITEM_ATTRIBUTE = 'data-sign-off-item';

const SignOffContext = createContext<SignOffState | null>(null);

/** Without JavaScript a decision's page comes back scrolled to the notice that confirms it. */
const DECISION_NOTICE_ID = 'decision-saved';

export function SignOffProvider({ children }: { children: ReactNode }) {
  const [answer, formAction, isPending] = useAnchoredActionState(signOffAction, null, DECISION_NOTICE_ID);
  const [sentItemId, setSentItemId] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<SignOffAnswer | null>(null);
  /** The item whose form followed the one sent, when it was sent. */
  const nextItemId = useRef<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const saved = answer?.ok && answer !== dismissed ? answer.data : undefined;
  const message = saved ? `Decision saved for ${saved.email}: ${saved.decision}${saved.hasOpenTask ? ' — an admin has a task for it.' : '.'}` : '';

  const sending = (itemId: string, form: HTMLFormElement) => {
    setSentItemId(itemId);
    const forms = [...document.querySelectorAll<HTMLFormElement>(`form[${SIGN_OFF_ITEM_ATTRIBUTE}]`)];
    nextItemId.current = forms[forms.indexOf(form) + 1]?.getAttribute(SIGN_OFF_ITEM_ATTRIBUTE) ?? null;
  };

  useEffect(() => {
    if (!answer?.ok) return;
    // Only when the focused control went with its card (in the "all" view the form stays, and so does focus).
    if (document.activeElement && document.activeElement !== document.body) return;
    const next = nextItemId.current ? document.querySelector<HTMLFormElement>(`form[${SIGN_OFF_ITEM_ATTRIBUTE}="${CSS.escape(nextItemId.current)}"]`) : null;
    const target = next?.querySelector<HTMLElement>('input[name="decision"]') ?? noticeRef.current?.querySelector<HTMLElement>('button') ?? null;
    target?.focus();
  }, [answer]);

  return (
    <SignOffContext value={{ answer, formAction, pendingItemId: isPending ? sentItemId : null, sending }}>
      <div ref={noticeRef}>
        <PageNotice id={DECISION_NOTICE_ID} message={message} onDismiss={() => setDismissed(answer)} />
      </div>
      {children}
    </SignOffContext>
  );
}

export function useSignOff(): SignOffState {
  const state = useContext(SignOffContext);
  if (!state) throw new Error('A decision form needs a SignOffProvider above it.');
  return state;
}

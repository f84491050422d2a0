'use client';
// A form's action state that also brings the form's answer into view when it was posted without
// JavaScript. Then the browser posts the form natively and shows the answer as a new page, scrolled
// to its top: a refusal, or a confirmation (a secret shown once), lower down on a long page was not
// seen, and the form looked as if nothing had happened. React's `permalink` is the address such a
// post goes to (with JavaScript it is not used); giving it the page's own address with a fragment
// naming the form's submit button lets the browser scroll the answer to it (app/globals.css puts
// the button mid-screen: the answer is shown beside it). The fragment also tells forms apart:
// React matches a post's answer to the hook by its permalink, so every form on a page needs its own.
import { usePathname, useSearchParams } from 'next/navigation';
import { useActionState } from 'react';

/** `anchorId`: the id of the form's submit button (or of where its answer shows), unique on the page. */
export function useAnchoredActionState<State, Payload>(action: (state: Awaited<State>, payload: Payload) => State | Promise<State>, initialState: Awaited<State>, anchorId: string) {
  const pathname = usePathname();
  const query = useSearchParams().toString();
  return useActionState(action, initialState, `${pathname}${query ? `?${query}` : ''}#${encodeURIComponent(anchorId)}`);
}

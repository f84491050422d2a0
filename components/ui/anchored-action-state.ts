'use client';
// A form's action state that also brings the form back into view when it was posted without
// JavaScript. Then the browser posts the form natively and shows the answer as a new page, scrolled
// to its top: a refusal beside a field, or a confirmation, lower down on a long page was not seen
// (the form looked as if nothing had happened). React's `permalink` is the address such a post
// goes to (with JavaScript it is not used); giving it the page's own address with a fragment naming
// the form lets the browser scroll the answer to it. The fragment also tells forms apart: React
// matches a post's answer to the hook by its permalink, so every form on a page needs its own.
import { usePathname, useSearchParams } from 'next/navigation';
import { useActionState } from 'react';

/** `anchorId` is the id of the element to scroll to (the form, or the card around it): unique on the page. */
export function useAnchoredActionState<State, Payload>(action: (state: Awaited<State>, payload: Payload) => State | Promise<State>, initialState: Awaited<State>, anchorId: string) {
  const pathname = usePathname();
  const query = useSearchParams().toString();
  return useActionState(action, initialState, `${pathname}${query ? `?${query}` : ''}#${encodeURIComponent(anchorId)}`);
}

'use client';
// A form posted without JavaScript (or before the page's script has loaded) comes back as a new
// page, and a browser opens a new page at its top. The outcome of a form lower down — its error
// summary, its confirmation — was then out of sight below the fold: the person saw the page they
// left, unchanged, and no word of what happened. React's `permalink` (the third argument of
// useActionState) is the address such a post goes to; with the form's outcome region as its
// fragment, the browser opens the answer scrolled to that region. With JavaScript the form never
// navigates, and the outcome appears where the person pressed the button anyway.
import { usePathname, useSearchParams } from 'next/navigation';
import { useActionState } from 'react';

/**
 * useActionState whose post-back without JavaScript lands on the element `outcomeId` (give it to
 * the region that holds the form's error summary and confirmation). The page's query string is
 * kept, so a post from page 2 of a list answers with page 2. `outcomeId` must be unique on the
 * page: React matches a post-back to its form by this address.
 */
export function usePostbackActionState<State, Payload>(
  action: (state: Awaited<State>, payload: Payload) => State | Promise<State>,
  initialState: Awaited<State>,
  outcomeId: string,
): [state: Awaited<State>, dispatch: (payload: Payload) => void, isPending: boolean] {
  const pathname = usePathname();
  const query = useSearchParams().toString();
  return useActionState(action, initialState, `${pathname}${query ? `?${query}` : ''}#${outcomeId}`);
}

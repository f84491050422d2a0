// Whether a server action was posted by the browser itself rather than called by React. Without
// JavaScript (or before hydration) a form with a server action is a native POST, and the answer
// becomes the page: a reload would ask to post it again. Such a call should end in a redirect
// (Post/Redirect/Get, a 303 from Next for a native post), while React's own call keeps its typed
// result for the form to show in place. Not a "use server" module: a helper for the action files.
import { headers } from 'next/headers';

/**
 * React calls an action with fetch and names it in the `Next-Action` header (Next's ACTION_HEADER,
 * next/dist/client/components/app-router-headers); a native form post carries the action's id in
 * its body instead, and that is the only other way Next runs an action.
 */
const ACTION_CALL_HEADER = 'next-action';

export async function isNativeFormPost(): Promise<boolean> {
  return !(await headers()).has(ACTION_CALL_HEADER);
}

// Releases the call frames an abort reason would otherwise hold, for as long as its signal lives.
//
// V8 formats an Error's stack lazily: until `error.stack` is read, the error keeps the structured
// frames it was created in, and each frame keeps its function and its receiver (`this`). React's
// server renderer aborts every render's cache signal with a new Error when the render completes, in
// a callback scheduled with setImmediate; that Error's frames keep the spent Immediate, and on
// Node 20 a spent Immediate keeps the next one of its batch (`_idleNext`) and the async context it
// was created in — another request's render, whose signal's reason keeps its own Immediate, and so
// on. While the server is saturated every batch mixes requests, so the chain never ends: finished
// requests (their responses, their pages' data) stayed reachable, and the heap grew by about
// 3.5 MB/s for as long as the load lasted (issue 19; the README's memory section).
//
// Reading the stack once the reason is set turns the frames into a string, which holds nothing.
// That is one stack formatted per aborted controller: a few microseconds, only on an abort.

let installed: (() => void) | undefined;

/** Installs the release on AbortController.prototype.abort; returns the function that removes it. */
export function releaseAbortReasonFrames(): () => void {
  if (installed) return installed;
  const abort = AbortController.prototype.abort;
  AbortController.prototype.abort = function abortReleasingFrames(this: AbortController, reason?: unknown) {
    abort.call(this, reason);
    // The settled reason, so that the DOMException Node creates for abort() without one counts too.
    formatStack(this.signal.reason);
  };
  installed = () => {
    AbortController.prototype.abort = abort;
    installed = undefined;
  };
  return installed;
}

function formatStack(reason: unknown): void {
  if (!(reason instanceof Error)) return;
  try {
    void reason.stack;
  } catch {
    // A throwing Error.prepareStackTrace leaves the frames in place: no worse than without this.
  }
}

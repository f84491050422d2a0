import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseAbortReasonFrames } from './abort-reason-frames';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const nextTask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Aborts a controller with a new Error from inside an Immediate's callback, as React's server
 * renderer does when a render completes, keeps only the controller, and says whether the spent
 * Immediate is still alive after a full garbage collection.
 */
async function abortKeepsImmediateAlive(abort: (controller: AbortController) => void): Promise<boolean> {
  const controller = new AbortController();
  let immediate!: WeakRef<NodeJS.Immediate>;
  await new Promise<void>((resolve) => {
    immediate = new WeakRef(
      setImmediate(() => {
        abort(controller);
        resolve();
      }),
    );
  });
  await nextTask();
  collectGarbage();
  expect(controller.signal.aborted).toBe(true);
  return immediate.deref() !== undefined;
}

const withError = (controller: AbortController) => controller.abort(new Error('This render completed successfully.'));
const withoutReason = (controller: AbortController) => controller.abort();

describe('releaseAbortReasonFrames', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('is needed on this Node: an unread abort reason keeps the Immediate it was created in alive', async () => {
    // If this starts failing after a Node upgrade, the runtime no longer retains the frames and the
    // release (lib/runtime/abort-reason-frames.ts) can go.
    expect(await abortKeepsImmediateAlive(withError)).toBe(true);
    expect(await abortKeepsImmediateAlive(withoutReason)).toBe(true);
  });

  it('lets the spent Immediate be collected once the reason is set', async () => {
    restore = releaseAbortReasonFrames();
    expect(await abortKeepsImmediateAlive(withError)).toBe(false);
    expect(await abortKeepsImmediateAlive(withoutReason)).toBe(false);
  });

  it('keeps what abort() does: the reason, its message and its stack, the listeners called once', async () => {
    restore = releaseAbortReasonFrames();
    const controller = new AbortController();
    const reasons: unknown[] = [];
    controller.signal.addEventListener('abort', () => reasons.push(controller.signal.reason));
    const reason = new Error('done');
    controller.abort(reason);
    controller.abort(new Error('again'));
    expect(reasons).toEqual([reason]);
    expect(controller.signal.reason).toBe(reason);
    expect(reason.stack).toMatch(/^Error: done\n\s+at /);

    const bare = new AbortController();
    bare.abort();
    expect(bare.signal.reason).toBeInstanceOf(DOMException);
    expect((bare.signal.reason as DOMException).name).toBe('AbortError');
  });

  it('installs once, and restores the original abort', () => {
    const original = AbortController.prototype.abort;
    restore = releaseAbortReasonFrames();
    expect(releaseAbortReasonFrames()).toBe(restore);
    expect(AbortController.prototype.abort).not.toBe(original);
    restore();
    restore = undefined;
    expect(AbortController.prototype.abort).toBe(original);
  });
});

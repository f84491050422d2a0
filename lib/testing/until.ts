// Waiting in integration tests for what happens in the background (a job, a redeploy): poll a
// condition rather than sleep a fixed time, so a busy machine makes a test slower, never red.

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first truthy value `probe` gives, polled every 100 ms; throws naming `what` after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T> | T, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

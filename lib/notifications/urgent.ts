// "At once" (issue 17): some events should not wait for the five-minute notification tick — a
// compromised token seen in use. The code that learns such a fact calls `requestNotificationsNow`;
// the running job queue (lib/jobs/index.ts) registers the hook that queues a notifications job now
// (the queue's `short` policy keeps at most one waiting: a burst is one tick). Without a running
// queue (a test, a script) it does nothing and the next tick sends it. A global hook rather than an
// import: lib/jobs imports the domain, so the domain cannot import lib/jobs.
const holder = globalThis as typeof globalThis & { keywardenRequestNotifications?: () => Promise<unknown> };

export function registerNotificationRequester(request: () => Promise<unknown>): void {
  holder.keywardenRequestNotifications = request;
}

/** Asks for a notification tick as soon as an instance is free; never throws. */
export function requestNotificationsNow(): void {
  void holder.keywardenRequestNotifications?.().catch(() => undefined);
}

// The process's running job queue, shared by the app's runtime that starts it (instrumentation.ts →
// lib/jobs/index.ts) and the custom server that stops it on SIGTERM (lib/cli/start.ts, bundled on
// its own): both reach it through globalThis. Imports nothing but types, so the server's bundle
// does not carry the domain.
import type { JobQueue } from './queue';

const holder = globalThis as typeof globalThis & { keywardenJobQueue?: Promise<JobQueue> };

/**
 * How long a stopping instance lets its running jobs finish before it fails them. A failed job is
 * retried, on another instance, after its queue's retry delay; one left "active" by a process that
 * died holds its place (one sync at a time) until its lease lapses (about two minutes for a sync).
 */
export const STOP_JOBS_WITHIN_MS = 3_000;

export function runningJobQueue(): Promise<JobQueue> | undefined {
  return holder.keywardenJobQueue;
}

export function setRunningJobQueue(queue: Promise<JobQueue>): void {
  holder.keywardenJobQueue = queue;
}

/** Stops this instance's workers: waits up to STOP_JOBS_WITHIN_MS for their jobs, then fails the rest. */
export async function stopBackgroundJobs(): Promise<void> {
  const queue = await runningJobQueue()?.catch(() => undefined);
  await queue?.stop(STOP_JOBS_WITHIN_MS);
}

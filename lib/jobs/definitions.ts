// The queues of Keywarden's background work and their schedules. Plain data (a type import only), so
// the domain can name a queue without pulling in the runtime.
//
// Each queue is a partition of pgboss.job created by a migration (the server's role runs no DDL on
// PostgreSQL): a new queue here needs `SELECT pgboss.create_queue(…)` in a new migration, and
// lib/jobs/queue.int.test.ts fails until it exists. Options set here win at start-up.
// A new one (evidence packs are next) takes a name, a policy, a handler in lib/jobs/index.ts and
// a migration.
import type { VendorCopy } from '@/lib/vendor';

export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately';

export interface QueueDefinition {
  /** Plain words for Settings → Jobs (the description names the organisation's vendor where it names one). */
  title: string;
  description: VendorCopy;
  /**
   * pg-boss's policy: `stately` keeps at most one job waiting and one running per key (one sync
   * at a time, a second "Sync now" refused while one waits or runs); `short` keeps at most one
   * waiting (a burst of triggers is one recomputation: the debounce).
   */
  policy: QueuePolicy;
  /** Retries after a failure, each `retryDelaySeconds` × 2^attempt later (exponential backoff). */
  retryLimit: number;
  retryDelaySeconds: number;
  /**
   * A running job not finished by then is presumed dead (its instance stopped) and retried. With a
   * `lease`, this is the lease: the worker renews it while the handler runs.
   */
  expireInSeconds: number;
  /**
   * A job that may run long holds a lease instead of one long expiry: its worker moves the job's
   * expiry to `expireInSeconds` from now every `renewEverySeconds`, for at most `maxRunSeconds`. An
   * instance that dies (SIGKILL, a lost machine) stops renewing, and pg-boss's maintenance expires
   * the job within the lease plus a maintenance interval, then retries it: the one-at-a-time slot
   * is not held for `maxRunSeconds`. (pg-boss 10 has no heartbeat of its own: lib/jobs/queue.ts.)
   */
  lease?: { renewEverySeconds: number; maxRunSeconds: number };
}

export const QUEUES = {
  'inventory-sync': {
    title: 'Inventory sync',
    description: ({ productName }) => `Copies projects, environments, access and token variables from ${productName}; scheduled, and on demand with Sync now.`,
    policy: 'stately',
    retryLimit: 2,
    retryDelaySeconds: 60,
    // A lease of 90 s renewed every 30 s (two renewals may be late or lost under load); a sync
    // still running after an hour is presumed stuck, and its lease lapses.
    expireInSeconds: 90,
    lease: { renewEverySeconds: 30, maxRunSeconds: 3600 },
  },
  'findings-recompute': {
    title: 'Findings',
    description: 'Re-evaluates the review rules (token age, drift, access) on a schedule, since time alone opens findings.',
    policy: 'short',
    retryLimit: 3,
    retryDelaySeconds: 30,
    expireInSeconds: 900,
  },
  notifications: {
    title: 'Notifications',
    description: 'Sends what is due: rotation reminders, new high findings, drift, failed pushes and syncs, open revocations, review campaigns, digests, and webhook deliveries with their retries.',
    policy: 'short',
    retryLimit: 2,
    retryDelaySeconds: 60,
    expireInSeconds: 900,
  },
  'redeploy-follow': {
    title: 'Redeploys',
    description: ({ productName }) => `Follows the redeploy each push step started on ${productName} until it completes, and records whether it succeeded.`,
    // One waiting job per step at most (the singleton key is the step's id): a retried push or a
    // second enqueue does not double the polling.
    policy: 'short',
    retryLimit: 3,
    retryDelaySeconds: 30,
    expireInSeconds: 300,
  },
  'incident-resume': {
    title: 'Incident resume',
    description: 'Resumes an incident run that Keywarden stopped in the middle of (its variable deletions and verification; token deletions that need a live token stay open tasks).',
    // A tick every minute; one waiting at most. Each incident is claimed by one instance (a
    // conditional update on its stale heartbeat), so two ticks never run the same incident twice.
    policy: 'short',
    retryLimit: 2,
    retryDelaySeconds: 60,
    // The tick runs the resumed incident to its report: a large one takes a while.
    expireInSeconds: 3600,
  },
} as const satisfies Record<string, QueueDefinition>;

/** A queue's definition, read through the common shape (the optional fields included). */
export const queueDefinition = (name: QueueName): QueueDefinition => QUEUES[name];

/** How often pg-boss's maintenance expires jobs whose lease or expiry passed (one instance per interval). */
export const MAINTENANCE_INTERVAL_SECONDS = 60;

export type QueueName = keyof typeof QUEUES;

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

export function isQueueName(value: string): value is QueueName {
  return Object.hasOwn(QUEUES, value);
}

/** Interrupted incidents are looked for every minute (an incident is interrupted 20 s after its heartbeat stops). */
export const INCIDENT_RESUME_CRON = '* * * * *';

/** The sync's one-at-a-time key: an installation syncs every organisation its Platform.sh account sees, in one run. */
export const SYNC_SINGLETON_KEY = 'inventory';

/** The findings are re-evaluated hourly (at minute 7, away from the top of the hour). */
export const FINDINGS_CRON = '7 * * * *';

/**
 * Notifications tick every five minutes: each occurrence is sent once whatever the tick (deduplicated
 * per recipient and window), and webhook retries back off from a minute.
 */
export const NOTIFICATIONS_CRON = '*/5 * * * *';

/**
 * The cron of the scheduled sync tick for an interval in minutes (KEYWARDEN_SYNC_INTERVAL_MINUTES),
 * or null when the schedule is off (0). Intervals a cron can express exactly tick at their
 * multiples; any other ticks every minute, and the tick's due check (syncIfDue) keeps the interval.
 */
export function syncCronFor(intervalMinutes: number): string | null {
  if (intervalMinutes <= 0) return null;
  if (intervalMinutes < 60 && 60 % intervalMinutes === 0) return intervalMinutes === 1 ? '* * * * *' : `*/${intervalMinutes} * * * *`;
  if (intervalMinutes % 60 === 0) {
    const hours = intervalMinutes / 60;
    if (hours === 24) return '0 0 * * *';
    if (24 % hours === 0) return hours === 1 ? '0 * * * *' : `0 */${hours} * * *`;
    if (hours === 24 * 7) return '0 0 * * 0';
  }
  return '* * * * *';
}

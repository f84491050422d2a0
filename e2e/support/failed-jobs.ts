// The failed jobs the end-to-end global set-up seeds (e2e/support/seed-failed-jobs.ts). No imports:
// the seeding script and the global set-up read these too.
export const SEEDED_FAILED_JOB_MESSAGE = 'Seeded by the end-to-end set-up: a job that failed on every attempt.';
/** Enough for the role-matrix replay (one) and spares; the a11y spec looks at them. */
export const SEEDED_FAILED_JOBS = 3;

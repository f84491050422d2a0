// Inputs of Settings → Jobs: the "Retry" form of a failed job, and the page's URL state.
import { z } from 'zod';
import { QUEUE_NAMES, type QueueName } from '@/lib/jobs/definitions';

export const retryJobSchema = z.strictObject({
  queue: z.enum(QUEUE_NAMES as [QueueName, ...QueueName[]], { error: 'Choose one of Keywarden’s queues.' }),
  jobId: z.uuid({ error: 'That is not a job id.' }),
});

/** The failed-jobs list's page (`?page=`). Never fails: a bad value falls back to the first page. */
export const jobsQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

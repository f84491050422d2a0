'use server';
// Server action of Settings → Jobs: "Retry" on a failed job. A real form (works without
// JavaScript); the domain authorizes, validates, audits and puts the job back in its queue.
import { revalidatePath } from 'next/cache';
import { retryFailedJob } from '@/lib/domain/jobs';
import type { ActionResult } from '@/lib/errors';
import { asSignedInUser } from './signed-in';

export type RetryJobState = ActionResult<{ jobId: string }> | null;

function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

export async function retryJobAction(_previous: RetryJobState, form: FormData): Promise<ActionResult<{ jobId: string }>> {
  return asSignedInUser('jobs.retry', async (context) => {
    const result = await retryFailedJob(context, { queue: field(form, 'queue'), jobId: field(form, 'jobId') });
    if (result.ok) revalidatePath('/settings/jobs');
    return result;
  }, { form: form });
}

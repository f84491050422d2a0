'use server';
// Server actions of the onboarding kit: confirming that the cron and build hook are deployed, and
// (sandbox mode) running the production cron now. The domain authorizes, validates, acts and audits.
import { revalidatePath } from 'next/cache';
import type { Action } from '@/lib/auth/authorize';
import type { RequestContext } from '@/lib/domain/context';
import { confirmOnboardingConfig, type ConfirmationOutcome } from '@/lib/domain/onboarding/confirm';
import { runCronInSandbox, type CronRunOutcome } from '@/lib/domain/onboarding/sandbox';
import type { ActionResult } from '@/lib/errors';
import { asSignedInUser } from './signed-in';

async function onOnboardingPages<T>(action: Action, run: (context: RequestContext) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return asSignedInUser(action, async (context) => {
    const result = await run(context);
    if (result.ok) {
      // The checklist shows on the project pages and the Overview.
      revalidatePath('/projects', 'layout');
      revalidatePath('/');
    }
    return result;
  });
}

export async function confirmOnboardingConfigAction(input: unknown): Promise<ActionResult<ConfirmationOutcome>> {
  return onOnboardingPages('onboarding.confirm_config', (context) => confirmOnboardingConfig(context, input));
}

export async function runCronInSandboxAction(input: unknown): Promise<ActionResult<CronRunOutcome>> {
  return onOnboardingPages('onboarding.confirm_config', (context) => runCronInSandbox(context, input));
}

'use server';
// Server actions of the review area's findings and policy: accepting a risk, saving the policy.
// The domain authorizes, validates, acts and audits; the wrapper recomputes the findings after the
// change (signed-in.ts), so the next page load shows them as they now are.
import { revalidatePath } from 'next/cache';
import { acceptRisk, type AcceptRiskOutcome } from '@/lib/domain/findings/accept';
import { updatePolicy, type PolicyUpdateOutcome } from '@/lib/domain/findings/policy';
import type { ActionResult } from '@/lib/errors';
import { asSignedInUser } from './signed-in';

export async function acceptRiskAction(input: unknown): Promise<ActionResult<AcceptRiskOutcome>> {
  return asSignedInUser('finding.accept_risk', async (context) => {
    const result = await acceptRisk(context, input);
    if (result.ok) revalidatePath('/review');
    return result;
  });
}

export async function updatePolicyAction(input: unknown): Promise<ActionResult<PolicyUpdateOutcome>> {
  return asSignedInUser('policy.update', async (context) => {
    const result = await updatePolicy(context, input);
    if (result.ok) revalidatePath('/review', 'layout');
    return result;
  });
}

import type { PushRunView } from '@/lib/domain/tokens/queries';

/**
 * A revocation (a compromised or revoked token, an incident's, an offboarding's) is journalled as a
 * run of `delete` steps: its deletions redeploy the environments too, and are shown with the same
 * table as a push's. Plain (no directive): server and client components both ask it.
 */
export function isRevocationRun(run: Pick<PushRunView, 'steps'>): boolean {
  return run.steps.length > 0 && run.steps.every((step) => step.operation === 'delete');
}

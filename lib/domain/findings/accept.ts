// Accepting a finding as a risk (issue 15 §2): an admin writes why and until when; the finding
// leaves the open list until that date, then shows as open again (statusWhere in queries.ts). A
// finding that resolves and comes back is a new row: an acceptance never carries over to it.
import { AppError } from '@/lib/errors';
import { acceptRiskSchema } from '@/lib/validations/policy';
import type { RequestContext } from '../context';
import { runMutation } from '../mutation';
import { DAY_MS } from './types';
import { readPolicy } from './read-policy';

export interface AcceptRiskOutcome {
  findingId: string;
  acceptedUntil: string;
}

/** Today's date (UTC) plus `days`, as YYYY-MM-DD. */
export function dateAfter(now: Date, days: number): string {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight + days * DAY_MS).toISOString().slice(0, 10);
}

export function acceptRisk(context: RequestContext, rawInput: unknown, now = new Date()) {
  return runMutation<typeof acceptRiskSchema, AcceptRiskOutcome>(
    context,
    {
      action: 'finding.accept_risk',
      schema: acceptRiskSchema,
      target: (input) => ({ type: 'finding', id: input.findingId }),
      run: async (tx, input) => {
        const policy = await readPolicy(tx);
        const latest = dateAfter(now, policy.acceptRiskMaxDays);
        if (input.until <= dateAfter(now, 0)) throw new AppError('invalid_input', 'Please correct the highlighted fields.', { until: ['Choose a date after today.'] });
        if (input.until > latest) {
          throw new AppError('invalid_input', 'Please correct the highlighted fields.', { until: [`The policy allows accepting a risk for at most ${policy.acceptRiskMaxDays} days: choose ${latest} or earlier.`] });
        }
        const finding = await tx.finding.findUnique({ where: { id: input.findingId } });
        if (!finding) throw new AppError('not_found', 'There is no such finding.');
        if (finding.resolvedAt) throw new AppError('conflict', 'This finding is resolved already: there is no risk left to accept.');
        const acceptedUntil = new Date(`${input.until}T00:00:00.000Z`);
        await tx.finding.update({ where: { id: finding.id }, data: { acceptedUntil, acceptedById: context.actor.id, acceptedReason: input.reason } });
        return {
          data: { findingId: finding.id, acceptedUntil: acceptedUntil.toISOString() },
          details: {
            ruleId: finding.ruleId,
            subjectKey: finding.subjectKey,
            reason: input.reason,
            before: finding.acceptedUntil ? { acceptedUntil: finding.acceptedUntil.toISOString(), reason: finding.acceptedReason } : null,
            after: { acceptedUntil: acceptedUntil.toISOString() },
          },
        };
      },
    },
    rawInput,
  );
}

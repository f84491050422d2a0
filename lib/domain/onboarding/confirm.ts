// "The cron and the build hook are in the deployed app configuration": the contract has no endpoint
// that returns an environment's deployed configuration, so this checklist step is a person's
// confirmation (an admin, or an onboarder on an assigned project), recorded with its note and audited.
import 'server-only';
import { AppError } from '@/lib/errors';
import { confirmConfigSchema } from '@/lib/validations/onboarding';
import type { RequestContext } from '../context';
import { runMutation } from '../mutation';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export interface ConfirmationOutcome {
  confirmationId: string;
  confirmedAt: string;
}

export function confirmOnboardingConfig(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof confirmConfigSchema, ConfirmationOutcome>(
    context,
    {
      action: 'onboarding.confirm_config',
      schema: confirmConfigSchema,
      target: (input) => ({ type: 'project', id: input.projectId }),
      // The project as stored: an onboarder's rule is settled on a project that exists.
      resource: async (input, db) => ({ projectId: (await db.project.findUnique({ where: { id: input.projectId }, select: { id: true } }))?.id }),
      run: async (tx, input) => {
        const project = await tx.project.findUnique({ where: { id: input.projectId }, select: { id: true, missingSince: true } });
        if (!project) throw new AppError('not_found', 'There is no such project.');
        if (project.missingSince) throw new AppError('conflict', `This project is gone from ${configuredVendor().productName}: there is no deployed configuration to confirm.`);
        const row = await tx.onboardingConfirmation.create({ data: { projectId: project.id, confirmedById: context.actor.id, note: input.note } });
        return { data: { confirmationId: row.id, confirmedAt: row.confirmedAt.toISOString() }, details: { confirmationId: row.id, note: input.note } };
      },
    },
    rawInput,
  );
}

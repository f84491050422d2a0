// Moving a token's variables to the configured vendor's name (issue 18 §1): an organisation that
// moved from Platform.sh to Upsun holds its tokens in env:PLATFORMSH_CLI_TOKEN, which the `upsun`
// CLI does not read. A move is a journalled push of the same token: per environment, the new name is
// set (sensitive, not inheritable, as a push sets it), then the old name is deleted; a run left
// partial is resumed with the same token like any push (resumePush). Keywarden never stores a token,
// so the person pastes it again; it must be this very token (its fingerprint), and it is proven live
// as the machine user's before anything is written (T4).
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { fail, isUniqueViolation, ok, type ActionResult } from '@/lib/errors';
import { fingerprintOf, sameFingerprint } from '@/lib/security/fingerprint';
import { moveTokenVariablesSchema } from '@/lib/validations/tokens';
import type { RequestContext } from '../context';
import { currentHoldings } from './holders';
import { closeInterruptedRuns } from './interrupted';
import { ANOTHER_PUSH_RUNNING, audit, executeRun, holding, loadMachineUser, openTokenAction, verifyIdentity, withTokenClient, type PushOutcome, type TokenDeps } from './push';

function loadToken(tokenId: string) {
  return getDb().apiToken.findUnique({ where: { id: tokenId }, include: { machineUser: { include: { project: { select: { id: true, title: true } } } } } });
}

export async function moveTokenVariables(context: RequestContext, rawInput: unknown, deps: TokenDeps): Promise<ActionResult<PushOutcome>> {
  const db = getDb();
  const opened = await openTokenAction(context, rawInput, {
    schema: moveTokenVariablesSchema,
    pastedField: 'token',
    name: 'move',
    load: (input) => loadToken(input.tokenId),
    scope: (token) => ({ projectId: token.machineUser.projectId, machineUserId: token.machineUserId }),
    forbidden: 'You do not have permission to move this token’s variables.',
  });
  if (!opened.ok) return opened.failure;
  const { input, target: token } = opened;
  const to = deps.dashboard.vendor.tokenVariable;
  if (token.status !== 'active') return fail('conflict', `This token is ${token.status}: only an active token’s variables are moved.`);
  await closeInterruptedRuns(db, { machineUserId: token.machineUserId });

  return holding(input.token, async () => {
    const fingerprint = fingerprintOf(input.token, deps.fingerprintKey);
    if (!sameFingerprint(fingerprint, token.fingerprint)) {
      await audit(context, { action: 'token.move_variable', outcome: 'refused', reason: 'move with another token', targetId: token.machineUserId, fingerprint, details: { tokenId: token.id } });
      return fail('invalid_input', `This is not the token …${token.lastFour}. Paste that token: the move sets it again under ${to}.`, { token: ['Not this token.'] });
    }
    const machineUser = await loadMachineUser(token.machineUserId);
    const identity = await withTokenClient(deps, input.token, (asUser) => verifyIdentity(asUser, machineUser!, context.actor));
    if (!identity.ok) {
      await audit(context, { action: 'token.move_variable', outcome: 'refused', reason: identity.auditReason, targetId: token.machineUserId, fingerprint, details: { tokenId: token.id } });
      return fail('invalid_input', identity.message);
    }
    const toMove = (await currentHoldings([token.machineUserId])).filter((held) => held.tokenId === token.id && held.variableName !== to);
    if (toMove.length === 0) return fail('conflict', `Every environment holding …${token.lastFour} has it as ${to} already: there is nothing to move.`);

    let runId: string;
    try {
      runId = await db.$transaction(async (tx) => {
        const run = await tx.pushRun.create({
          data: {
            id: input.runId,
            machineUserId: token.machineUserId,
            tokenId: token.id,
            activeMachineUserId: token.machineUserId,
            // A move keeps what the push chose for the build hook.
            visibleBuild: (await tx.pushRun.findFirst({ where: { tokenId: token.id }, orderBy: { startedAt: 'asc' }, select: { visibleBuild: true } }))?.visibleBuild ?? false,
            startedById: context.actor.id,
            steps: { create: toMove.map((held) => ({ projectId: held.projectId, environmentId: held.environmentId, environmentType: held.environmentType, variableName: to, movedFrom: held.variableName })) },
          },
        });
        await recordAudit(tx, {
          actor: context.actor,
          action: 'token.move_variable',
          outcome: 'succeeded',
          clientAddress: context.clientAddress,
          target: { type: 'machine_user', id: token.machineUserId },
          tokenFingerprint: fingerprint,
          details: { step: 'move_recorded', runId: run.id, tokenId: token.id, to, environments: toMove.map((held) => `${held.environmentId}: ${held.variableName}`) },
        });
        return run.id;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return fail('conflict', ANOTHER_PUSH_RUNNING);
      throw error;
    }
    return ok(await executeRun(context, deps, { runId, tokenId: token.id, token: input.token, fingerprint }));
  });
}

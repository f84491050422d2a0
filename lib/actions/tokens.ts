'use server';
// Server actions for tokens. The pasted value arrives here, is handed to the domain for the length
// of this request, and is never returned, logged or stored (SECURITY.md T1, T5).
import { revalidatePath } from 'next/cache';
import type { Action } from '@/lib/auth/authorize';
import type { RequestContext } from '@/lib/domain/context';
import { recordAndPushToken, type PushOutcome, type TokenDeps } from '@/lib/domain/tokens/push';
import { resumeAnyPush } from '@/lib/domain/tokens/resume-minted';
import { moveTokenVariables } from '@/lib/domain/tokens/move';
import { lookupToken, type LookupResult } from '@/lib/domain/tokens/queries';
import { markTokenCompromised, rotateToken, type RevocationOutcome } from '@/lib/domain/tokens/rotate';
import { setSandboxRedeploys } from '@/lib/domain/tokens/sandbox-redeploys';
import type { ActionResult } from '@/lib/errors';
import { tokenDepsWith, withDashboardClient, type ActionName } from './signed-in';

async function withTokenDeps<T>(action: ActionName, run: (context: RequestContext, deps: TokenDeps) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return withDashboardClient(action, async (context, dashboard) => {
    const result = await run(context, tokenDepsWith(dashboard));
    revalidatePath('/machine-users', 'layout');
    revalidatePath('/tokens');
    return result;
  });
}

/**
 * The permission a record or rotation is asked under: an explicit choice of how its deployment token
 * is made (minted or pasted, against the policy; issue 18.2) is an admin's (token.choose_minting),
 * so a refusal without a session is audited under that name too. Named lazily: the input is read
 * once the session has been checked.
 */
function tokenPushPermission(input: unknown): () => Action {
  return () => {
    const choice = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).mint : undefined;
    return choice === 'mint' || choice === 'paste' ? 'token.choose_minting' : 'token.record';
  };
}

export async function recordTokenAction(input: unknown): Promise<ActionResult<PushOutcome>> {
  return withTokenDeps(tokenPushPermission(input), (context, deps) => recordAndPushToken(context, input, deps));
}

export async function resumePushAction(input: unknown): Promise<ActionResult<PushOutcome>> {
  return withTokenDeps('token.record', (context, deps) => resumeAnyPush(context, input, deps));
}

export async function lookupTokenAction(input: unknown): Promise<ActionResult<LookupResult>> {
  return withTokenDeps('token.lookup', (context, deps) => lookupToken(context, input, deps.fingerprintKey));
}

export async function rotateTokenAction(input: unknown): Promise<ActionResult<PushOutcome>> {
  return withTokenDeps(tokenPushPermission(input), (context, deps) => rotateToken(context, input, deps));
}

export async function compromiseTokenAction(input: unknown): Promise<ActionResult<RevocationOutcome>> {
  return withTokenDeps('token.record', (context, deps) => markTokenCompromised(context, input, deps));
}

export async function moveTokenVariablesAction(input: unknown): Promise<ActionResult<PushOutcome>> {
  return withTokenDeps('token.record', (context, deps) => moveTokenVariables(context, input, deps));
}

/** Sandbox mode: the simulator's "redeploys fail" switch for the machine user's project. */
export async function setSandboxRedeploysAction(input: unknown): Promise<ActionResult<{ message: string; fail: boolean }>> {
  return withDashboardClient('token.sandbox_redeploys', async (context) => {
    const result = await setSandboxRedeploys(context, input);
    revalidatePath('/machine-users', 'layout');
    return result;
  });
}

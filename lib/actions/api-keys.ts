'use server';
// Server actions of Settings → API keys. Creating a key is a form (it works before hydration and
// without JavaScript: the key comes back in the form's state, once); revoking asks for a
// confirmation first. The domain authorizes, validates and audits; the key is never logged.
import { revalidatePath } from 'next/cache';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { createApiKey, revokeApiKey, type ApiKeyView, type CreatedApiKey } from '@/lib/domain/api-keys';
import type { ActionResult } from '@/lib/errors';
import { asSignedInUser } from './signed-in';
import { withSubmittedValues } from './submitted-values';

const PAGE = '/settings/api-keys';

/** The create form's action (useActionState): the previous state is not used. */
export async function createApiKeyAction(_previous: ActionResult<CreatedApiKey> | null, formData: FormData): Promise<ActionResult<CreatedApiKey>> {
  return asSignedInUser('api_key.manage', async (context) => {
    const input = { name: formData.get('name') ?? '', expires_in_days: formData.get('expires_in_days') ?? '', role: formData.get('role') ?? '' };
    const result = await createApiKey(context, input, getSecrets(getConfig()).apiKey);
    if (result.ok) revalidatePath(PAGE);
    // Echoed to a signed-in caller only: a refused stranger gets nothing of the form back.
    return withSubmittedValues(formData, ['name', 'expires_in_days', 'role'], result);
  }, { form: formData });
}

/** Revokes one of the caller's own keys. */
export async function revokeOwnApiKeyAction(input: unknown): Promise<ActionResult<ApiKeyView>> {
  return asSignedInUser('api_key.manage', async (context) => {
    const result = await revokeApiKey(context, input);
    if (result.ok) revalidatePath(PAGE);
    return result;
  });
}

/** Revokes another user's key (admins). */
export async function revokeAnyApiKeyAction(input: unknown): Promise<ActionResult<ApiKeyView>> {
  return asSignedInUser('api_key.revoke_any', async (context) => {
    const result = await revokeApiKey(context, input);
    if (result.ok) revalidatePath(PAGE);
    return result;
  });
}

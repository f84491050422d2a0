// Inputs of dashboard API keys: one schema for the Settings page's form and `POST /api/v1/api-keys`
// (snake_case, as every body of the REST API).
import { z } from 'zod';
import { ROLES } from '@/lib/roles';
import { API_KEY_DEFAULT_DAYS, API_KEY_MAX_DAYS, API_KEY_NAME_MAX_LENGTH } from './limits';
import { textSchema } from './text';

export const createApiKeySchema = z.strictObject({
  name: textSchema({ max: API_KEY_NAME_MAX_LENGTH }).pipe(z.string().min(1, 'Give the key a name (what uses it).')),
  /** Days until the key stops working: required by policy, at most API_KEY_MAX_DAYS. */
  expires_in_days: z.coerce
    .number({ error: 'Give the number of days the key is valid.' })
    .int('Use whole days.')
    .min(1, 'A key is valid for at least one day.')
    .max(API_KEY_MAX_DAYS, `A key is valid for at most ${API_KEY_MAX_DAYS} days.`)
    .default(API_KEY_DEFAULT_DAYS),
  /** The key's role; absent or empty: the creator's own. Never above it (lib/domain/api-keys.ts). */
  role: z.preprocess((value) => (value === '' ? undefined : value), z.enum(ROLES).optional()),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const apiKeyIdSchema = z.uuid({ error: 'Unknown API key.' });

export const revokeApiKeySchema = z.strictObject({ keyId: apiKeyIdSchema });

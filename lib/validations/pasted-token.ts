// The one shape of a pasted machine-user API token, for every form that takes one (the token forms,
// and the removal of a machine user, which may take a live token to delete its tokens). A module of
// its own so that the machine-user and token schemas can both use it without importing each other.
import { z } from 'zod';
import { PASTED_TOKEN_MAX_LENGTH } from './limits';


/** A pasted API token: printable, no whitespace inside, of a plausible length. */
export const pastedTokenSchema = z
  .string({ error: 'Paste the API token.' })
  .trim()
  .min(16, 'That is too short to be an API token.')
  .max(PASTED_TOKEN_MAX_LENGTH, 'That is too long to be an API token.')
  .regex(/^[\x21-\x7e]+$/, 'An API token has no spaces or special characters: paste it exactly as shown.');

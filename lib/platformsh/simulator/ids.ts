// Identifiers in the shapes Platform.sh uses. Seeds derive them from a name so that a demo
// organisation (and the dashboard credential) is the same on every start.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function digest(seed: string): Buffer {
  return createHash('sha256').update(seed).digest();
}

/** A version-4-shaped UUID derived from `seed` (random when no seed is given). */
export function uuidFrom(seed?: string): string {
  if (seed === undefined) return randomUUID();
  const bytes = Buffer.from(digest(`uuid:${seed}`).subarray(0, 16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A 26-character ULID-shaped id (organisation ids are ULIDs). */
export function ulidFrom(seed?: string): string {
  const bytes = seed === undefined ? randomBytes(26) : digest(`ulid:${seed}`);
  let id = '';
  for (let index = 0; index < 26; index += 1) id += CROCKFORD[(bytes[index % bytes.length] ?? 0) % 32];
  // The first character of a ULID encodes the top of a 48-bit timestamp and is at most 7.
  return `0${id.slice(1)}`;
}

/** A 13-character lower-case project id like Platform.sh's (`k3v7rq2mhx4ta`). */
export function projectIdFrom(seed?: string): string {
  const bytes = seed === undefined ? randomBytes(13) : digest(`project:${seed}`);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let index = 0; index < 13; index += 1) id += alphabet[(bytes[index] ?? 0) % alphabet.length];
  return id;
}

/** An opaque secret (API tokens, access tokens): 43 base64url characters, or derived from `seed`. */
export function secretFrom(seed?: string): string {
  const bytes = seed === undefined ? randomBytes(32) : digest(`secret:${seed}`);
  return bytes.toString('base64url');
}

/**
 * An opaque secret derived from `seed` under a secret `key`: the same on every start with the same
 * key, yet not derivable from the source (sandbox mode's seeded credentials).
 */
export function keyedSecretFrom(key: string, seed: string): string {
  return createHmac('sha256', key).update(`secret:${seed}`).digest('base64url');
}

export function shortId(): string {
  return randomBytes(8).toString('hex');
}

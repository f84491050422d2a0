// The format of a dashboard API key (README, "REST API"): `kw_` + 40 base62 characters of random
// body (≈ 238 bits) + 6 base62 characters of CRC32 over the body. The fixed prefix and the checksum
// let secret scanners (and Keywarden's own leaked-token lookup) recognise a key with no database,
// and let the API refuse a mistyped or made-up key before any lookup. Pure: no secrets, no I/O.
import { randomInt } from 'node:crypto';

export const API_KEY_PREFIX = 'kw_';
const BODY_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** How many characters of the body the display prefix shows (never enough to guess the rest). */
const DISPLAY_BODY_CHARACTERS = 6;

/** The whole shape of a key; anything else is not one. Defined beside the log redaction, which uses it. */
export { API_KEY_PATTERN } from '@/lib/security/redact';
const EXACT = new RegExp(`^${API_KEY_PREFIX}([0-9A-Za-z]{${BODY_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3, as zlib's) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i += 1) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A number as fixed-width base62, most significant first. */
function base62(value: number, width: number): string {
  let rest = value;
  let out = '';
  for (let i = 0; i < width; i += 1) {
    out = ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

const checksumOf = (body: string) => base62(crc32(body), CHECKSUM_LENGTH);

/** A fresh key (from the CSPRNG). */
export function generateApiKey(): string {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i += 1) body += ALPHABET[randomInt(62)];
  return `${API_KEY_PREFIX}${body}${checksumOf(body)}`;
}

/** Whether `candidate` has the shape of a key and its checksum matches: no database needed. */
export function isWellFormedApiKey(candidate: string): boolean {
  const match = EXACT.exec(candidate);
  return match !== null && checksumOf(match[1]!) === match[2];
}

/** What people see of a key: `kw_` and the first characters of its body. */
export function displayPrefixOf(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + DISPLAY_BODY_CHARACTERS);
}

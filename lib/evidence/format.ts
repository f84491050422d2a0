// The evidence pack's format (issue 15 §5), shared by the server that writes packs, the
// `npm run evidence:verify` command and the tests. Pure: node:crypto only, nothing of the server.
//
// A pack is a ZIP of JSON and CSV files plus:
//   manifest.json   — { format, packId, generatedAt, algorithm, publicKeySha256, files: [{ path, sha256, bytes }] }
//                     listing every other file of the pack (the public key and VERIFY.txt included)
//   manifest.sig    — the Ed25519 signature of manifest.json's exact bytes, base64 on one line
//   public-key.pem  — the signing key's public half (SPKI PEM), also shown on Keywarden's Settings page
// Checking every digest against the manifest and the signature against a public key obtained
// outside the pack proves that nothing was changed, added or removed since Keywarden signed it.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { neutralizeFormula } from '@/lib/security/csv-formula';

export const PACK_FORMAT = 'keywarden-evidence-pack/1';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const PUBLIC_KEY_FILE = 'public-key.pem';

export interface ManifestEntry {
  path: string;
  /** SHA-256 of the file's bytes, lower-case hex. */
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof PACK_FORMAT;
  packId: string;
  generatedAt: string;
  algorithm: 'Ed25519';
  /** SHA-256 of the public key's DER (SPKI) bytes, hex: the fingerprint Settings shows. */
  publicKeySha256: string;
  files: ManifestEntry[];
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The fingerprint of an Ed25519 public key: SHA-256 of its DER (SPKI) encoding, hex. */
export function publicKeyFingerprint(key: KeyObject | string): string {
  const object = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  return sha256Hex(object.export({ type: 'spki', format: 'der' }));
}

/** The fingerprint as people compare it: hex pairs in groups, e.g. "3f2a 9c01 …". */
export function formatFingerprint(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

// A cell a spreadsheet would run as a formula starts with an apostrophe instead (neutralizeFormula);
// the JSON twin of every CSV file keeps the value exactly.

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const safe = neutralizeFormula(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV line (RFC 4180 quoting, CRLF). */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** The text of VERIFY.txt: how to check a pack without Keywarden. */
export function verifyInstructions(fingerprint: string): string {
  return [
    'Keywarden evidence pack — how to verify it',
    '',
    `Format: ${PACK_FORMAT}. Signed with Ed25519; the public key is public-key.pem, SHA-256 fingerprint of its DER:`,
    `  ${fingerprint}`,
    'Compare that fingerprint with the one on Keywarden’s Settings page (or one you were given) before trusting the pack.',
    '',
    'With Keywarden’s source:  npm run evidence:verify -- pack.zip [--public-key trusted.pem]',
    '',
    'Offline, with OpenSSL 3 and coreutils, in the unzipped folder:',
    '  openssl pkey -pubin -in public-key.pem -outform DER | sha256sum            # the fingerprint above',
    '  base64 -d manifest.sig > manifest.sig.bin',
    '  openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in manifest.json -sigfile manifest.sig.bin',
    '  jq -r \'.files[] | "\\(.sha256)  \\(.path)"\' manifest.json | sha256sum -c -',
    '',
    'Or with Node.js alone (no dependency):',
    '  node -e \'const c=require("crypto"),f=require("fs"),m=f.readFileSync("manifest.json");' +
      'if(!c.verify(null,m,f.readFileSync("public-key.pem","utf8"),Buffer.from(f.readFileSync("manifest.sig","utf8"),"base64")))throw "BAD SIGNATURE";' +
      'for(const e of JSON.parse(m).files)if(c.createHash("sha256").update(f.readFileSync(e.path)).digest("hex")!==e.sha256)throw "CHANGED: "+e.path;console.log("OK")\'',
    '',
    'Every file of the pack other than manifest.json and manifest.sig must be listed in manifest.json.',
    '',
  ].join('\n');
}

// Verifies an evidence pack (see format.ts) from its bytes: every file's digest against the
// manifest, no file missing or added, the manifest's signature against the pack's public key — and,
// when the caller has one from elsewhere (Settings, an earlier pack), against that key too. A pack
// carries its own public key, so only a key obtained outside the pack proves who signed it.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { unzipSync } from 'fflate';
import { MANIFEST_FILE, PACK_FORMAT, PUBLIC_KEY_FILE, publicKeyFingerprint, sha256Hex, SIGNATURE_FILE, type Manifest } from './format';

export interface PackVerification {
  ok: boolean;
  /** What failed, in words; empty when ok. */
  problems: string[];
  /** Files checked against the manifest. */
  checkedFiles: number;
  /** The fingerprint of the key the signature was checked with (the pack's own, or the expected one). */
  publicKeySha256: string | null;
  manifest: Manifest | null;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function isSafePath(path: string): boolean {
  return path.length > 0 && !path.startsWith('/') && !path.includes('\\') && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

function parseManifest(bytes: Uint8Array, problems: string[]): Manifest | null {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    problems.push(`${MANIFEST_FILE} is not valid JSON`);
    return null;
  }
  const manifest = value as Partial<Manifest>;
  if (manifest.format !== PACK_FORMAT) problems.push(`${MANIFEST_FILE} names format ${String(manifest.format)}, expected ${PACK_FORMAT}`);
  if (manifest.algorithm !== 'Ed25519') problems.push(`${MANIFEST_FILE} names algorithm ${String(manifest.algorithm)}, expected Ed25519`);
  const files = manifest.files;
  if (!Array.isArray(files) || !files.every((entry) => typeof entry?.path === 'string' && typeof entry?.sha256 === 'string' && typeof entry?.bytes === 'number')) {
    problems.push(`${MANIFEST_FILE} has no valid file list`);
    return null;
  }
  return manifest as Manifest;
}

function loadKey(pem: string, label: string, problems: string[]): KeyObject | null {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') {
      problems.push(`${label} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
      return null;
    }
    return key;
  } catch {
    problems.push(`${label} is not a readable public key`);
    return null;
  }
}

export function verifyEvidencePack(zipBytes: Uint8Array, options: { expectedPublicKeyPem?: string } = {}): PackVerification {
  const problems: string[] = [];
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zipBytes);
  } catch (error) {
    return { ok: false, problems: [`not a readable ZIP file (${error instanceof Error ? error.message : String(error)})`], checkedFiles: 0, publicKeySha256: null, manifest: null };
  }
  // Folders are no files of their own.
  const files = new Map(Object.entries(entries).filter(([path]) => !path.endsWith('/')));
  const manifestBytes = files.get(MANIFEST_FILE);
  const signatureText = files.get(SIGNATURE_FILE);
  if (!manifestBytes) problems.push(`${MANIFEST_FILE} is missing`);
  if (!signatureText) problems.push(`${SIGNATURE_FILE} is missing`);
  const manifest = manifestBytes ? parseManifest(manifestBytes, problems) : null;

  let checkedFiles = 0;
  if (manifest) {
    const listed = new Set<string>();
    for (const entry of manifest.files) {
      if (!isSafePath(entry.path)) {
        problems.push(`the manifest lists an unsafe path: ${JSON.stringify(entry.path)}`);
        continue;
      }
      if (listed.has(entry.path)) problems.push(`the manifest lists ${entry.path} twice`);
      listed.add(entry.path);
      const data = files.get(entry.path);
      if (!data) {
        problems.push(`${entry.path} is listed in the manifest but missing from the pack`);
        continue;
      }
      checkedFiles += 1;
      if (sha256Hex(data) !== entry.sha256.toLowerCase()) problems.push(`${entry.path} was changed: its SHA-256 does not match the manifest`);
      else if (data.length !== entry.bytes) problems.push(`${entry.path} has ${data.length} bytes, the manifest says ${entry.bytes}`);
    }
    for (const path of files.keys()) {
      if (path !== MANIFEST_FILE && path !== SIGNATURE_FILE && !listed.has(path)) problems.push(`${path} is in the pack but not in the manifest (added after signing)`);
    }
  }

  // The key the signature must verify with: the one the caller trusts, or else the pack's own.
  const packKeyBytes = files.get(PUBLIC_KEY_FILE);
  const packKey = packKeyBytes ? loadKey(decoder.decode(packKeyBytes), PUBLIC_KEY_FILE, problems) : null;
  if (!packKeyBytes) problems.push(`${PUBLIC_KEY_FILE} is missing`);
  const expectedKey = options.expectedPublicKeyPem ? loadKey(options.expectedPublicKeyPem, 'the expected public key', problems) : null;
  const packFingerprint = packKey ? publicKeyFingerprint(packKey) : null;
  if (manifest && packFingerprint && manifest.publicKeySha256 !== packFingerprint) problems.push(`${MANIFEST_FILE} names key ${manifest.publicKeySha256}, but ${PUBLIC_KEY_FILE} is ${packFingerprint}`);
  if (expectedKey && packFingerprint && publicKeyFingerprint(expectedKey) !== packFingerprint) {
    problems.push(`the pack was signed with key ${packFingerprint}, not with the expected key ${publicKeyFingerprint(expectedKey)}`);
  }
  const key = options.expectedPublicKeyPem ? expectedKey : packKey;
  if (manifestBytes && signatureText && key) {
    const signature = Buffer.from(decoder.decode(signatureText).trim(), 'base64');
    if (signature.length !== 64 || !verify(null, manifestBytes, key, signature)) problems.push(`the signature in ${SIGNATURE_FILE} does not verify: ${MANIFEST_FILE} was changed or signed with another key`);
  }
  return { ok: problems.length === 0, problems, checkedFiles, publicKeySha256: key ? publicKeyFingerprint(key) : null, manifest };
}

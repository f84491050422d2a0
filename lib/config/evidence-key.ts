// The Ed25519 key that signs evidence packs (issue 15 §5). Like Keywarden's other keys it lives
// outside the database: KEYWARDEN_EVIDENCE_KEY when configured (several instances must share it),
// otherwise <data dir>/secrets/evidence-ed25519.pem, generated on first use (directory 0700, file
// 0600) and read back on every later start. Losing it only means new packs carry a new public key;
// packs already handed out still verify with the key they carry and that Settings showed then.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { publicKeyFingerprint } from '@/lib/evidence/format';
import { registerSecret } from '@/lib/security/redact';
import type { Config } from './index';
import { secretsDirectory } from './secrets';

export const EVIDENCE_KEY_FILE = 'evidence-ed25519.pem';

export interface EvidenceSigningKey {
  privateKey: KeyObject;
  /** SPKI PEM, as packs carry it and Settings shows it. */
  publicKeyPem: string;
  /** SHA-256 of the public key's DER, hex. */
  fingerprint: string;
  source: 'environment' | 'data directory';
  /** Where the generated key lives (for the README's backup advice on Settings). */
  file?: string;
}

function fromPem(pem: string, source: EvidenceSigningKey['source'], file?: string): EvidenceSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`The evidence signing key${file ? ` in ${file}` : ''} is not an Ed25519 key`);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, fingerprint: publicKeyFingerprint(privateKey), source, file };
}

/** The key from the configuration, or from (or generated into) the data directory. */
export function loadEvidenceSigningKey(config: Pick<Config, 'dataDir' | 'evidenceKey'>): EvidenceSigningKey {
  if (config.evidenceKey) return fromPem(config.evidenceKey, 'environment');
  const directory = secretsDirectory(config);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = path.join(directory, EVIDENCE_KEY_FILE);
  const generated = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    // 'wx' fails if the file exists: two processes starting together never overwrite each other.
    fs.writeFileSync(file, generated, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const pem = fs.readFileSync(file, 'utf8');
  registerSecret(pem.trim());
  return fromPem(pem, 'data directory', file);
}

let cached: EvidenceSigningKey | undefined;

export function getEvidenceSigningKey(config: Pick<Config, 'dataDir' | 'evidenceKey'>): EvidenceSigningKey {
  cached ??= loadEvidenceSigningKey(config);
  return cached;
}

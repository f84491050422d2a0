// Secrets Keywarden itself needs. A configured value wins; otherwise one is generated once into
// <data dir>/secrets/<name>.key (directory 0700, file 0600) and read back on every later start.
// Several instances must share them: configure them in the environment (README, "Several instances").
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { registerSecret } from '@/lib/security/redact';
import type { Config } from './index';

export type SecretName = 'session' | 'fingerprint' | 'audit';
export type Secrets = Record<SecretName, string>;

const NAMES: SecretName[] = ['session', 'fingerprint', 'audit'];

export function secretsDirectory(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'secrets');
}

/** Resolves every secret, generating missing ones into the data directory. Idempotent. */
export function ensureSecrets(config: Pick<Config, 'dataDir' | 'configuredSecrets'>): Secrets {
  const directory = secretsDirectory(config);
  const result = {} as Secrets;
  for (const name of NAMES) {
    const configured = config.configuredSecrets[name];
    if (configured) {
      result[name] = configured;
      continue;
    }
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    const file = path.join(directory, `${name}.key`);
    try {
      // 'wx' fails if the file exists: two processes starting together never overwrite each other.
      fs.writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length < 32) throw new Error(`The secret file ${file} is shorter than 32 characters; remove it to regenerate`);
    result[name] = value;
  }
  Object.values(result).forEach(registerSecret);
  return result;
}

let cached: Secrets | undefined;

export function getSecrets(config: Pick<Config, 'dataDir' | 'configuredSecrets'>): Secrets {
  cached ??= ensureSecrets(config);
  return cached;
}

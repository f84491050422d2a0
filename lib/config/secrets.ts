// Secrets Keywarden itself needs. A configured value wins; otherwise one is generated once into
// <data dir>/secrets/<name>.key (directory 0700, file 0600) and read back on every later start.
// Several instances must share them: configure them in the environment (README, "Several instances").
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { registerSecret } from '@/lib/security/redact';
import type { Config } from './index';

export type SecretName = 'session' | 'fingerprint' | 'audit' | 'apiKey';
export type Secrets = Record<SecretName, string>;

const NAMES: SecretName[] = ['session', 'fingerprint', 'audit', 'apiKey'];
/** The file of each secret under <data dir>/secrets (the API-key digest key: api-key.key). */
const FILE_NAMES: Record<SecretName, string> = { session: 'session', fingerprint: 'fingerprint', audit: 'audit', apiKey: 'api-key' };

export function secretsDirectory(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'secrets');
}

/** The value of <data dir>/secrets/<name>.key, generated (random) the first time. */
function readOrGenerate(directory: string, name: string): string {
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = path.join(directory, `${name}.key`);
  try {
    // 'wx' fails if the file exists: two processes starting together never overwrite each other.
    fs.writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSecretFile(file);
}

function readSecretFile(file: string): string {
  const value = fs.readFileSync(file, 'utf8').trim();
  if (value.length < 32) throw new Error(`The secret file ${file} is shorter than 32 characters; remove it to regenerate`);
  return value;
}

/** A secret as configured or as the data directory holds it, else the file it would be in. Generates nothing: for tools that only read. */
export function existingSecret(config: Pick<Config, 'dataDir' | 'configuredSecrets'>, name: SecretName): { value: string } | { missing: string } {
  const configured = config.configuredSecrets[name];
  if (configured) {
    registerSecret(configured);
    return { value: configured };
  }
  const file = path.join(secretsDirectory(config), `${FILE_NAMES[name]}.key`);
  if (!fs.existsSync(file)) return { missing: file };
  const value = readSecretFile(file);
  registerSecret(value);
  return { value };
}

/** Resolves every secret, generating missing ones into the data directory. Idempotent. */
export function ensureSecrets(config: Pick<Config, 'dataDir' | 'configuredSecrets'>): Secrets {
  const directory = secretsDirectory(config);
  const result = {} as Secrets;
  for (const name of NAMES) {
    result[name] = config.configuredSecrets[name] ?? readOrGenerate(directory, FILE_NAMES[name]);
  }
  Object.values(result).forEach(registerSecret);
  return result;
}

/**
 * Sandbox mode: the key the bundled simulator derives its seeded credentials from (the dashboard's
 * token among them), in <data dir>/secrets/sandbox-simulator.key. Random per data directory, so no
 * token in the public source works against a running sandbox; kept, so the same tokens come back
 * after a restart. Never configured: sandbox mode is one process on one data directory.
 */
export function ensureSandboxSimulatorKey(config: Pick<Config, 'dataDir'>): string {
  const key = readOrGenerate(secretsDirectory(config), 'sandbox-simulator');
  registerSecret(key);
  return key;
}

let cached: Secrets | undefined;

export function getSecrets(config: Pick<Config, 'dataDir' | 'configuredSecrets'>): Secrets {
  cached ??= ensureSecrets(config);
  return cached;
}

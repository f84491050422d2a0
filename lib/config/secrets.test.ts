import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { knownSecrets } from '@/lib/security/redact';
import { ensureSandboxSimulatorKey, ensureSecrets, secretsDirectory } from './secrets';

const NAMES = ['session', 'fingerprint', 'audit', 'apiKey'] as const;
const FILES = { session: 'session.key', fingerprint: 'fingerprint.key', audit: 'audit.key', apiKey: 'api-key.key' } as const;
const NOTHING_CONFIGURED = { session: undefined, fingerprint: undefined, audit: undefined, apiKey: undefined };

let dataDir: string;

beforeEach(() => {
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-secrets-test-')), 'data');
});

afterEach(() => {
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('ensureSecrets', () => {
  it('generates one long random file per secret, mode 0600, in a 0700 directory', () => {
    const secrets = ensureSecrets({ dataDir, configuredSecrets: NOTHING_CONFIGURED });
    const directory = secretsDirectory({ dataDir });
    expect(directory).toBe(path.join(dataDir, 'secrets'));
    expect(modeOf(directory)).toBe(0o700);
    expect(fs.readdirSync(directory).sort()).toEqual(['api-key.key', 'audit.key', 'fingerprint.key', 'session.key']);
    for (const name of NAMES) {
      const file = path.join(directory, FILES[name]);
      expect(modeOf(file)).toBe(0o600);
      expect(fs.readFileSync(file, 'utf8')).toBe(secrets[name]);
      expect(secrets[name].length).toBeGreaterThanOrEqual(32);
    }
    expect(new Set(Object.values(secrets)).size).toBe(4);
  });

  it('is idempotent: a second call reads back the same values', () => {
    const first = ensureSecrets({ dataDir, configuredSecrets: NOTHING_CONFIGURED });
    const second = ensureSecrets({ dataDir, configuredSecrets: NOTHING_CONFIGURED });
    expect(second).toEqual(first);
  });

  it('uses configured values and writes nothing for them', () => {
    const configured = { session: 's'.repeat(40), fingerprint: 'f'.repeat(40), audit: 'a'.repeat(40), apiKey: 'k'.repeat(40) };
    expect(ensureSecrets({ dataDir, configuredSecrets: configured })).toEqual(configured);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('generates only the secrets that are not configured', () => {
    const secrets = ensureSecrets({ dataDir, configuredSecrets: { ...NOTHING_CONFIGURED, audit: 'a'.repeat(40) } });
    expect(secrets.audit).toBe('a'.repeat(40));
    expect(fs.readdirSync(secretsDirectory({ dataDir })).sort()).toEqual(['api-key.key', 'fingerprint.key', 'session.key']);
  });

  it('refuses a secret file that is too short instead of using it', () => {
    const directory = secretsDirectory({ dataDir });
    fs.mkdirSync(directory, { recursive: true });
    fs.writeFileSync(path.join(directory, 'session.key'), 'too-short');
    expect(() => ensureSecrets({ dataDir, configuredSecrets: NOTHING_CONFIGURED })).toThrow(/session\.key.*shorter than 32/);
  });
});

describe('ensureSandboxSimulatorKey', () => {
  it('is random per data directory, kept beside the other secrets (0600), read back on every start', () => {
    const key = ensureSandboxSimulatorKey({ dataDir });
    const file = path.join(secretsDirectory({ dataDir }), 'sandbox-simulator.key');
    expect(fs.readFileSync(file, 'utf8')).toBe(key);
    expect(modeOf(file)).toBe(0o600);
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(ensureSandboxSimulatorKey({ dataDir })).toBe(key);

    const otherDataDir = path.join(path.dirname(dataDir), 'other-data');
    expect(ensureSandboxSimulatorKey({ dataDir: otherDataDir })).not.toBe(key);
  });

  it('registers the key for redaction by value, like the other secrets', () => {
    const key = ensureSandboxSimulatorKey({ dataDir });
    expect(knownSecrets()).toContain(key);
  });
});

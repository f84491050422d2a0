import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicKeyFingerprint } from '@/lib/evidence/format';
import { knownSecrets } from '@/lib/security/redact';
import { EVIDENCE_KEY_FILE, loadEvidenceSigningKey } from './evidence-key';
import { ConfigError, parseConfig } from './index';

const ed25519Pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('KEYWARDEN_EVIDENCE_KEY', () => {
  it('takes an Ed25519 private key in PEM, with line breaks or with \\n escapes', () => {
    const pem = ed25519Pem();
    expect(parseConfig({ KEYWARDEN_EVIDENCE_KEY: pem }).evidenceKey).toBe(pem.trim());
    expect(parseConfig({ KEYWARDEN_EVIDENCE_KEY: pem.trim().replaceAll('\n', '\\n') }).evidenceKey).toBe(pem.trim());
    expect(parseConfig({}).evidenceKey).toBeUndefined();
  });

  it.each([
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['a public key', generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString()],
    ['text', 'not a key at all'],
  ])('refuses %s, naming the variable', (_label, value) => {
    expect(() => parseConfig({ KEYWARDEN_EVIDENCE_KEY: value })).toThrow(ConfigError);
    expect(() => parseConfig({ KEYWARDEN_EVIDENCE_KEY: value })).toThrow(/KEYWARDEN_EVIDENCE_KEY must be an Ed25519 private key/);
  });
});

describe('the evidence signing key', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-evidence-key-'));
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is generated once into <data dir>/secrets (mode 0600), then read back unchanged', () => {
    const first = loadEvidenceSigningKey({ dataDir });
    const file = path.join(dataDir, 'secrets', EVIDENCE_KEY_FILE);
    expect(first).toMatchObject({ source: 'data directory', file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const second = loadEvidenceSigningKey({ dataDir });
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
    expect(first.fingerprint).toBe(publicKeyFingerprint(first.publicKeyPem));
    // The private half is redacted from logs and audit rows by value.
    expect(knownSecrets()).toContain(fs.readFileSync(file, 'utf8').trim());
    // What it signs verifies with the public key it shows.
    const message = Buffer.from('manifest');
    expect(verify(null, message, first.publicKeyPem, sign(null, message, second.privateKey))).toBe(true);
  });

  it('comes from the configuration when set, and then nothing is written', () => {
    const pem = ed25519Pem();
    const key = loadEvidenceSigningKey({ dataDir, evidenceKey: pem });
    expect(key.source).toBe('environment');
    expect(key.fingerprint).toBe(publicKeyFingerprint(pem));
    expect(fs.existsSync(path.join(dataDir, 'secrets', EVIDENCE_KEY_FILE))).toBe(false);
  });
});

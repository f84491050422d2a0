// `npm run audit:verify` only reads: pointed at a data directory that holds no installation, or at a
// database without the installation's audit key, it says so in one line and leaves nothing behind —
// no empty database, no freshly generated keys that a later `npm start` from the same place would
// take for the installation's own (README, "The audit log": "It only reads").
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/database';

function verify(env: Record<string, string>, args: string[] = []) {
  // The suite's own keys (vitest.config.ts) are cleared: the command must find the installation's.
  return spawnSync(path.resolve('node_modules/.bin/tsx'), ['lib/cli/audit-verify.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', KEYWARDEN_SESSION_SECRET: '', KEYWARDEN_FINGERPRINT_KEY: '', KEYWARDEN_AUDIT_KEY: '', KEYWARDEN_API_KEY_SECRET: '', ...env },
  });
}

describe('npm run audit:verify without an installation', () => {
  let dataDir: string;
  let database: TestDatabase;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-verify-cli-'));
    database = await createTestDatabase('postgresql');
  });

  afterAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await database.destroy();
  });

  it('refuses a data directory without an embedded database, creating nothing there', () => {
    const missing = path.join(dataDir, 'typo');
    const result = verify({ KEYWARDEN_DATA_DIR: missing });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`No embedded database at ${path.join(missing, 'pglite')}: set KEYWARDEN_DATA_DIR to the installation's data directory (or DATABASE_URL).`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('refuses an argument it does not know (a mistyped --head would otherwise go unchecked)', () => {
    const result = verify({ KEYWARDEN_DATA_DIR: dataDir }, ['--hed', `1:${'a'.repeat(64)}`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^Usage: npm run audit:verify \[-- --head <seq>:<mac>\]/);
  });

  it("refuses to verify a PostgreSQL database without the installation's audit key, generating none", () => {
    if (database.migrationTarget.kind !== 'postgresql') throw new Error('expected a PostgreSQL test database');
    const result = verify({ KEYWARDEN_DATA_DIR: dataDir, DATABASE_URL: database.migrationTarget.url });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `No audit key: KEYWARDEN_AUDIT_KEY is not set and ${path.join(dataDir, 'secrets', 'audit.key')} does not exist. Set KEYWARDEN_DATA_DIR to the installation's data directory, or KEYWARDEN_AUDIT_KEY.`,
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});

import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(import.meta.dirname),
  // Outside Next's react-server build the marker module throws; tests exercise server code directly.
  'server-only': path.resolve(import.meta.dirname, 'lib/testing/server-only-stub.ts'),
};

// Keys the server would generate into its data directory: fixed here, so that tests write nothing
// there (the audit log's chain reads its key on every row).
const env = {
  KEYWARDEN_SESSION_SECRET: 'test-session-secret-0123456789abcdefghijklmnop',
  KEYWARDEN_FINGERPRINT_KEY: 'test-fingerprint-key-0123456789abcdefghijklmnop',
  KEYWARDEN_AUDIT_KEY: 'test-audit-chain-key-0123456789abcdefghijklmnop',
  KEYWARDEN_API_KEY_SECRET: 'test-api-key-digest-key-0123456789abcdefghijklmnop',
};

export default defineConfig({
  resolve: { alias },
  test: {
    env,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'components/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
          environment: 'node',
          // Unit tests run first, as their own group (Vitest needs a group per worker setting).
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['lib/**/*.int.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file gets its own databases; two workers fit the machines' two cores.
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

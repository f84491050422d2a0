import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, isLoopbackHost, KEYWARDEN_VERSION, parseConfig } from './index';

const CWD = '/srv/keywarden';
const LONG_SECRET = 'x'.repeat(32);

/** The ConfigError parseConfig throws for this environment (fails the test when it does not throw). */
function configErrorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env, CWD);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe('parseConfig defaults', () => {
  it('runs on an embedded PGlite under ./.data/pglite, in sandbox mode, on port 3000 of loopback', () => {
    const config = parseConfig({}, CWD);
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.nodeEnv).toBe('development');
    expect(config.isProduction).toBe(false);
    expect(config.dataDir).toBe(path.join(CWD, '.data'));
    expect(config.database).toEqual({ kind: 'pglite', directory: path.join(CWD, '.data', 'pglite') });
    expect(config.platformsh).toEqual({
      mode: 'sandbox',
      vendor: 'platformsh',
      apiToken: undefined,
      apiUrl: new URL('https://api.platform.sh'),
      authUrl: new URL('https://auth.api.platform.sh'),
      requestsPerSecond: 20,
      pushConcurrency: 4,
    });
    expect(config.syncIntervalMinutes).toBe(60);
    expect(config.machineUserEmailPattern).toBe('bots+{project}-{purpose}@example.com');
    expect(config.onboarderGrants).toBe('preset');
    expect(config.publicUrl.origin).toBe('http://localhost:3000');
    expect(config.trustedProxyHops).toBe(0);
    expect(config.bootstrapAdmin).toBeUndefined();
    expect(config.oidc).toBeUndefined();
    expect(config.configuredSecrets).toEqual({ session: undefined, fingerprint: undefined, audit: undefined });
  });

  it('treats empty strings as unset', () => {
    const config = parseConfig({ DATABASE_URL: '', PLATFORMSH_API_TOKEN: '  ', KEYWARDEN_URL: '' }, CWD);
    expect(config.database.kind).toBe('pglite');
    expect(config.platformsh.mode).toBe('sandbox');
  });

  it('treats an empty value of every variable as unset (README, "Configuration")', () => {
    expect(CONFIG_VARIABLES).toContain('NODE_ENV');
    for (const variable of CONFIG_VARIABLES) expect(() => parseConfig({ [variable]: '' }, CWD), variable).not.toThrow();
  });

  it("has a row in README's configuration table for every variable it reads, and none for another", () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('### Generated secrets'));
    const rows = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect([...rows].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('derives the public URL from PORT when KEYWARDEN_URL is unset', () => {
    expect(parseConfig({ PORT: '8080' }, CWD).publicUrl.origin).toBe('http://localhost:8080');
  });

  it('resolves the data directory against the working directory', () => {
    expect(parseConfig({ KEYWARDEN_DATA_DIR: 'state' }, CWD).dataDir).toBe('/srv/keywarden/state');
    expect(parseConfig({ KEYWARDEN_DATA_DIR: '/var/lib/kw' }, CWD).database).toEqual({
      kind: 'pglite',
      directory: '/var/lib/kw/pglite',
    });
  });
});

describe('parseConfig derived settings', () => {
  it('sends e-mail over SMTP when KEYWARDEN_SMTP_URL is set, to the sandbox mailbox in sandbox mode, nowhere in live mode', () => {
    expect(parseConfig({ KEYWARDEN_SMTP_URL: 'smtps://u:p@mail.example.com:465', KEYWARDEN_MAIL_FROM: 'Keys <keys@example.com>' }, CWD).mail).toEqual({
      transport: 'smtp',
      smtpUrl: 'smtps://u:p@mail.example.com:465',
      from: 'Keys <keys@example.com>',
    });
    expect(parseConfig({ KEYWARDEN_URL: 'https://keys.example.com' }, CWD).mail).toEqual({ transport: 'sandbox-mailbox', from: 'Keywarden <keywarden@keys.example.com>' });
    expect(parseConfig({ PLATFORMSH_API_TOKEN: 'live-token' }, CWD).mail.transport).toBe('disabled');
  });

  it('reads the API rate limit, the push concurrency and the sync interval (0 turns the schedule off)', () => {
    const config = parseConfig({ PLATFORMSH_API_RATE_LIMIT: '2.5', KEYWARDEN_SYNC_INTERVAL_MINUTES: '0', PLATFORMSH_PUSH_CONCURRENCY: '8' }, CWD);
    expect(config.platformsh.requestsPerSecond).toBe(2.5);
    expect(config.platformsh.pushConcurrency).toBe(8);
    expect(config.syncIntervalMinutes).toBe(0);
  });

  it('reads what an onboarder may grant', () => {
    expect(parseConfig({ KEYWARDEN_ONBOARDER_GRANTS: 'any' }, CWD).onboarderGrants).toBe('any');
    expect(parseConfig({ KEYWARDEN_ONBOARDER_GRANTS: '' }, CWD).onboarderGrants).toBe('preset');
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    for (const url of ['postgresql://app@db:5432/keywarden', 'postgres://app@db/keywarden']) {
      expect(parseConfig({ DATABASE_URL: url }, CWD).database).toEqual({ kind: 'postgresql', url });
    }
  });

  it('migrates as KEYWARDEN_MIGRATION_DATABASE_URL when set, which needs DATABASE_URL', () => {
    const runtime = 'postgresql://keywarden_app@db/keywarden';
    const owner = 'postgresql://keywarden_owner:secret@db/keywarden';
    expect(parseConfig({ DATABASE_URL: runtime, KEYWARDEN_MIGRATION_DATABASE_URL: owner }, CWD).database).toEqual({
      kind: 'postgresql',
      url: runtime,
      migrationUrl: owner,
    });
    expect(configErrorFor({ KEYWARDEN_MIGRATION_DATABASE_URL: owner }).problems).toEqual([
      expect.stringMatching(/^KEYWARDEN_MIGRATION_DATABASE_URL needs DATABASE_URL/),
    ]);
    expect(configErrorFor({ DATABASE_URL: runtime, KEYWARDEN_MIGRATION_DATABASE_URL: 'mysql://db/x' }).problems).toEqual([
      expect.stringMatching(/^KEYWARDEN_MIGRATION_DATABASE_URL: must be a postgresql:\/\/ connection URL/),
    ]);
  });

  it('goes live when PLATFORMSH_API_TOKEN is set', () => {
    expect(parseConfig({ PLATFORMSH_API_TOKEN: 'api-token-value' }, CWD).platformsh).toMatchObject({
      mode: 'live',
      apiToken: 'api-token-value',
    });
  });

  it('points at any server implementing the contract (e.g. Upsun), without a trailing slash', () => {
    const { platformsh } = parseConfig(
      { PLATFORMSH_API_URL: 'https://api.upsun.com/', PLATFORMSH_AUTH_URL: 'https://auth.upsun.com' },
      CWD,
    );
    expect(platformsh.apiUrl.href).toBe('https://api.upsun.com/');
    expect(platformsh.authUrl.origin).toBe('https://auth.upsun.com');
    expect(() => parseConfig({ PLATFORMSH_API_URL: 'ftp://api.example.com' }, CWD)).toThrow(/PLATFORMSH_API_URL/);
  });

  it('takes the vendor from KEYWARDEN_VENDOR, else from the API host, and refuses any other vendor', () => {
    expect(parseConfig({}, CWD).platformsh.vendor).toBe('platformsh');
    expect(parseConfig({ PLATFORMSH_API_URL: 'https://api.upsun.com' }, CWD).platformsh.vendor).toBe('upsun');
    expect(parseConfig({ PLATFORMSH_API_URL: 'https://api.example.com' }, CWD).platformsh.vendor).toBe('platformsh');
    expect(parseConfig({ KEYWARDEN_VENDOR: 'upsun' }, CWD).platformsh.vendor).toBe('upsun');
    expect(parseConfig({ KEYWARDEN_VENDOR: 'platformsh', PLATFORMSH_API_URL: 'https://api.upsun.com' }, CWD).platformsh.vendor).toBe('platformsh');
    expect(parseConfig({ KEYWARDEN_VENDOR: '' }, CWD).platformsh.vendor).toBe('platformsh');
    expect(() => parseConfig({ KEYWARDEN_VENDOR: 'heroku' }, CWD)).toThrow(/KEYWARDEN_VENDOR: must be "platformsh" or "upsun"/);
  });

  it('lower-cases the bootstrap admin e-mail and keeps the password as typed', () => {
    const config = parseConfig({ KEYWARDEN_ADMIN_EMAIL: 'Ops@Example.COM', KEYWARDEN_ADMIN_PASSWORD: 'Long Enough Pass' }, CWD);
    expect(config.bootstrapAdmin).toEqual({ email: 'ops@example.com', password: 'Long Enough Pass' });
    const unattended = parseConfig({ KEYWARDEN_ADMIN_EMAIL: 'ops@example.com', KEYWARDEN_ADMIN_PASSWORD: 'Long Enough Pass', KEYWARDEN_ADMIN_SECOND_FACTOR: 'nobody' }, CWD);
    expect(unattended.bootstrapAdmin?.secondFactorRequiredFor).toBe('nobody');
  });

  it('keeps configured secrets of at least 32 characters', () => {
    const config = parseConfig(
      { KEYWARDEN_SESSION_SECRET: LONG_SECRET, KEYWARDEN_FINGERPRINT_KEY: `${LONG_SECRET}f`, KEYWARDEN_AUDIT_KEY: `${LONG_SECRET}a` },
      CWD,
    );
    expect(config.configuredSecrets).toEqual({ session: LONG_SECRET, fingerprint: `${LONG_SECRET}f`, audit: `${LONG_SECRET}a` });
  });

  it('builds the OIDC settings with a parsed role map and no trailing slash on the issuer', () => {
    const config = parseConfig(
      {
        KEYWARDEN_OIDC_ISSUER: 'https://sso.example.com/realms/ops/',
        KEYWARDEN_OIDC_CLIENT_ID: 'keywarden',
        KEYWARDEN_OIDC_CLIENT_SECRET: 'client-secret',
        KEYWARDEN_OIDC_ROLE_CLAIM: 'groups',
        KEYWARDEN_OIDC_ROLE_MAP: 'kw-admins:admin,kw-onboarders:onboarder,kw-auditors:reviewer',
      },
      CWD,
    );
    expect(config.oidc).toEqual({
      issuer: 'https://sso.example.com/realms/ops',
      clientId: 'keywarden',
      clientSecret: 'client-secret',
      displayName: 'Single sign-on',
      roleClaim: 'groups',
      roleMap: { 'kw-admins': 'admin', 'kw-onboarders': 'onboarder', 'kw-auditors': 'reviewer' },
    });
  });

  it('marks production and accepts https or loopback http public URLs there', () => {
    const https = parseConfig({ NODE_ENV: 'production', KEYWARDEN_URL: 'https://keys.example.com' }, CWD);
    expect(https.isProduction).toBe(true);
    expect(https.publicUrl.origin).toBe('https://keys.example.com');
    for (const url of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      expect(parseConfig({ NODE_ENV: 'production', KEYWARDEN_URL: url }, CWD).publicUrl.toString()).toBe(`${url}/`);
    }
  });

  it('accepts a plain-http non-loopback URL outside production', () => {
    expect(parseConfig({ NODE_ENV: 'development', KEYWARDEN_URL: 'http://keys.internal' }, CWD).publicUrl.host).toBe('keys.internal');
  });
});

describe('parseConfig refusals name the variable', () => {
  const cases: { name: string; env: Record<string, string>; variable: string }[] = [
    { name: 'PORT that is not a number', env: { PORT: 'eighty' }, variable: 'PORT' },
    { name: 'PORT out of range', env: { PORT: '70000' }, variable: 'PORT' },
    { name: 'PORT zero', env: { PORT: '0' }, variable: 'PORT' },
    { name: 'a MySQL DATABASE_URL', env: { DATABASE_URL: 'mysql://app@db/keywarden' }, variable: 'DATABASE_URL' },
    { name: 'a DATABASE_URL that is no URL', env: { DATABASE_URL: 'keywarden' }, variable: 'DATABASE_URL' },
    { name: 'a short KEYWARDEN_SESSION_SECRET', env: { KEYWARDEN_SESSION_SECRET: 'x'.repeat(31) }, variable: 'KEYWARDEN_SESSION_SECRET' },
    { name: 'a short KEYWARDEN_FINGERPRINT_KEY', env: { KEYWARDEN_FINGERPRINT_KEY: 'short' }, variable: 'KEYWARDEN_FINGERPRINT_KEY' },
    { name: 'a short KEYWARDEN_AUDIT_KEY', env: { KEYWARDEN_AUDIT_KEY: 'short' }, variable: 'KEYWARDEN_AUDIT_KEY' },
    { name: 'an http:// KEYWARDEN_SMTP_URL', env: { KEYWARDEN_SMTP_URL: 'http://mail.example.com' }, variable: 'KEYWARDEN_SMTP_URL' },
    { name: 'a KEYWARDEN_MAIL_FROM that is no address', env: { KEYWARDEN_MAIL_FROM: 'Keywarden' }, variable: 'KEYWARDEN_MAIL_FROM' },
    {
      name: 'an admin e-mail without a password',
      env: { KEYWARDEN_ADMIN_EMAIL: 'ops@example.com' },
      variable: 'KEYWARDEN_ADMIN_PASSWORD',
    },
    {
      name: 'an admin password without an e-mail',
      env: { KEYWARDEN_ADMIN_PASSWORD: 'long enough password' },
      variable: 'KEYWARDEN_ADMIN_EMAIL',
    },
    {
      name: 'a second-factor policy without an admin to provision',
      env: { KEYWARDEN_ADMIN_SECOND_FACTOR: 'nobody' },
      variable: 'KEYWARDEN_ADMIN_SECOND_FACTOR',
    },
    {
      name: 'an unknown second-factor policy',
      env: { KEYWARDEN_ADMIN_EMAIL: 'ops@example.com', KEYWARDEN_ADMIN_PASSWORD: 'long enough password', KEYWARDEN_ADMIN_SECOND_FACTOR: 'sometimes' },
      variable: 'KEYWARDEN_ADMIN_SECOND_FACTOR',
    },
    {
      name: 'a short admin password',
      env: { KEYWARDEN_ADMIN_EMAIL: 'ops@example.com', KEYWARDEN_ADMIN_PASSWORD: 'short' },
      variable: 'KEYWARDEN_ADMIN_PASSWORD',
    },
    {
      name: 'an OIDC issuer without a client',
      env: { KEYWARDEN_OIDC_ISSUER: 'https://sso.example.com' },
      variable: 'KEYWARDEN_OIDC_CLIENT_ID',
    },
    {
      name: 'an OIDC client without a secret',
      env: { KEYWARDEN_OIDC_ISSUER: 'https://sso.example.com', KEYWARDEN_OIDC_CLIENT_ID: 'keywarden' },
      variable: 'KEYWARDEN_OIDC_CLIENT_SECRET',
    },
    {
      name: 'OIDC client settings without an issuer',
      env: { KEYWARDEN_OIDC_CLIENT_ID: 'keywarden', KEYWARDEN_OIDC_CLIENT_SECRET: 'secret' },
      variable: 'KEYWARDEN_OIDC_ISSUER',
    },
    {
      name: 'a role map without a role claim',
      env: {
        KEYWARDEN_OIDC_ISSUER: 'https://sso.example.com',
        KEYWARDEN_OIDC_CLIENT_ID: 'keywarden',
        KEYWARDEN_OIDC_CLIENT_SECRET: 'secret',
        KEYWARDEN_OIDC_ROLE_MAP: 'kw-admins:admin',
      },
      variable: 'KEYWARDEN_OIDC_ROLE_CLAIM',
    },
    { name: 'a malformed role map', env: { KEYWARDEN_OIDC_ROLE_CLAIM: 'groups', KEYWARDEN_OIDC_ROLE_MAP: 'kw-admins=root' }, variable: 'KEYWARDEN_OIDC_ROLE_MAP' },
    {
      name: 'plain http for a public host in production',
      env: { NODE_ENV: 'production', KEYWARDEN_URL: 'http://keys.example.com' },
      variable: 'KEYWARDEN_URL',
    },
    { name: 'a KEYWARDEN_URL with another scheme', env: { KEYWARDEN_URL: 'ftp://keys.example.com' }, variable: 'KEYWARDEN_URL' },
    { name: 'too many proxy hops', env: { KEYWARDEN_TRUSTED_PROXY_HOPS: '11' }, variable: 'KEYWARDEN_TRUSTED_PROXY_HOPS' },
    { name: 'an unknown NODE_ENV', env: { NODE_ENV: 'staging' }, variable: 'NODE_ENV' },
    { name: 'a rate limit that is no number', env: { PLATFORMSH_API_RATE_LIMIT: 'fast' }, variable: 'PLATFORMSH_API_RATE_LIMIT' },
    { name: 'a zero rate limit', env: { PLATFORMSH_API_RATE_LIMIT: '0' }, variable: 'PLATFORMSH_API_RATE_LIMIT' },
    { name: 'a zero push concurrency', env: { PLATFORMSH_PUSH_CONCURRENCY: '0' }, variable: 'PLATFORMSH_PUSH_CONCURRENCY' },
    { name: 'a fractional push concurrency', env: { PLATFORMSH_PUSH_CONCURRENCY: '2.5' }, variable: 'PLATFORMSH_PUSH_CONCURRENCY' },
    { name: 'a fractional sync interval', env: { KEYWARDEN_SYNC_INTERVAL_MINUTES: '1.5' }, variable: 'KEYWARDEN_SYNC_INTERVAL_MINUTES' },
    { name: 'a machine-user e-mail pattern without {purpose}', env: { KEYWARDEN_MACHINE_USER_EMAIL: 'bots+{project}@acme.com' }, variable: 'KEYWARDEN_MACHINE_USER_EMAIL' },
    { name: 'a machine-user e-mail pattern that is no address', env: { KEYWARDEN_MACHINE_USER_EMAIL: 'bots-{project}-{purpose}' }, variable: 'KEYWARDEN_MACHINE_USER_EMAIL' },
    { name: 'an unknown onboarder grant policy', env: { KEYWARDEN_ONBOARDER_GRANTS: 'all' }, variable: 'KEYWARDEN_ONBOARDER_GRANTS' },
    { name: 'a negative sync interval', env: { KEYWARDEN_SYNC_INTERVAL_MINUTES: '-5' }, variable: 'KEYWARDEN_SYNC_INTERVAL_MINUTES' },
  ];

  it.each(cases)('refuses $name', ({ env, variable }) => {
    const error = configErrorFor(env);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.startsWith(variable)).toBe(true);
    expect(error.message).toContain(variable);
  });

  // README: "a bad or missing value stops Keywarden with a message naming the variable and what it
  // expects" — zod's generic wording ("Invalid input: expected number, received NaN") says neither.
  const expectations: { env: Record<string, string>; expects: RegExp }[] = [
    { env: { PORT: 'eighty' }, expects: /^PORT: must be a port number from 1 to 65535$/ },
    { env: { PORT: '70000' }, expects: /^PORT: must be a port number from 1 to 65535$/ },
    { env: { PORT: '3000.5' }, expects: /^PORT: must be a port number from 1 to 65535$/ },
    { env: { KEYWARDEN_HOST: 'every interface' }, expects: /^KEYWARDEN_HOST: must be an IP address or host name/ },
    { env: { KEYWARDEN_URL: 'keys.example.com' }, expects: /^KEYWARDEN_URL: must be an http:\/\/ or https:\/\/ URL/ },
    { env: { KEYWARDEN_URL: 'https://example.com/keywarden' }, expects: /^KEYWARDEN_URL: must be the address of the site's root/ },
    { env: { KEYWARDEN_URL: 'https://keys.example.com/?from=mail' }, expects: /^KEYWARDEN_URL: must be the address of the site's root/ },
    { env: { NODE_ENV: 'staging' }, expects: /^NODE_ENV: must be "development", "production" or "test"$/ },
    { env: { KEYWARDEN_TRUSTED_PROXY_HOPS: 'one' }, expects: /^KEYWARDEN_TRUSTED_PROXY_HOPS: must be a whole number of proxies from 0 to 10$/ },
    { env: { KEYWARDEN_TRUSTED_PROXY_HOPS: '11' }, expects: /^KEYWARDEN_TRUSTED_PROXY_HOPS: must be a whole number of proxies from 0 to 10$/ },
    { env: { KEYWARDEN_ADMIN_EMAIL: 'ops', KEYWARDEN_ADMIN_PASSWORD: 'long enough password' }, expects: /^KEYWARDEN_ADMIN_EMAIL: must be an e-mail address$/ },
    { env: { KEYWARDEN_ADMIN_EMAIL: 'ops@example.com', KEYWARDEN_ADMIN_PASSWORD: 'p'.repeat(257) }, expects: /^KEYWARDEN_ADMIN_PASSWORD: must be 12 to 256 characters$/ },
    { env: { PLATFORMSH_API_URL: 'api.platform.sh' }, expects: /^PLATFORMSH_API_URL: must be an http:\/\/ or https:\/\/ URL/ },
    { env: { PLATFORMSH_AUTH_URL: 'auth.api.platform.sh' }, expects: /^PLATFORMSH_AUTH_URL: must be an http:\/\/ or https:\/\/ URL/ },
    { env: { PLATFORMSH_API_RATE_LIMIT: 'fast' }, expects: /^PLATFORMSH_API_RATE_LIMIT: must be a number of requests per second from 0.1 to 1000$/ },
    { env: { PLATFORMSH_API_RATE_LIMIT: '5000' }, expects: /^PLATFORMSH_API_RATE_LIMIT: must be a number of requests per second from 0.1 to 1000$/ },
    { env: { PLATFORMSH_PUSH_CONCURRENCY: 'four' }, expects: /^PLATFORMSH_PUSH_CONCURRENCY: must be a whole number of environments from 1 to 32$/ },
    { env: { KEYWARDEN_SYNC_INTERVAL_MINUTES: 'hourly' }, expects: /^KEYWARDEN_SYNC_INTERVAL_MINUTES: must be a whole number of minutes from 0 \(off\) to 10080 \(a week\)$/ },
    { env: { KEYWARDEN_SYNC_INTERVAL_MINUTES: '99999' }, expects: /^KEYWARDEN_SYNC_INTERVAL_MINUTES: must be a whole number of minutes from 0 \(off\) to 10080 \(a week\)$/ },
    {
      env: { KEYWARDEN_OIDC_ISSUER: 'sso.example.com', KEYWARDEN_OIDC_CLIENT_ID: 'keywarden', KEYWARDEN_OIDC_CLIENT_SECRET: 'secret' },
      expects: /^KEYWARDEN_OIDC_ISSUER: must be an http:\/\/ or https:\/\/ URL/,
    },
  ];

  it.each(expectations.map((entry) => ({ ...entry, label: JSON.stringify(entry.env).slice(0, 80) })))('says what $label expects', ({ env, expects }) => {
    const error = configErrorFor(env);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(expects);
  });

  it('accepts host names and addresses to listen on, and a public URL at the root with or without its slash', () => {
    for (const host of ['0.0.0.0', '::', '127.0.0.1', 'localhost', 'keywarden-1.internal']) expect(parseConfig({ KEYWARDEN_HOST: host }, CWD).host).toBe(host);
    expect(parseConfig({ KEYWARDEN_URL: 'https://keys.example.com/' }, CWD).publicUrl.origin).toBe('https://keys.example.com');
    expect(parseConfig({ KEYWARDEN_URL: 'https://keys.example.com:8443' }, CWD).publicUrl.origin).toBe('https://keys.example.com:8443');
  });

  it('lists every problem at once', () => {
    const error = configErrorFor({ PORT: 'x', DATABASE_URL: 'mysql://db/kw', KEYWARDEN_AUDIT_KEY: 'short' });
    expect(error.problems.map((problem) => problem.split(/[: ]/)[0]).sort()).toEqual([
      'DATABASE_URL',
      'KEYWARDEN_AUDIT_KEY',
      'PORT',
    ]);
  });
});

describe('isLoopbackHost', () => {
  it('recognises loopback names and addresses only', () => {
    for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['example.com', '10.0.0.1', 'localhost.example.com', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('KEYWARDEN_VERSION', () => {
  it("equals package.json's version", () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(KEYWARDEN_VERSION).toBe(manifest.version);
    expect(parseConfig({}, CWD).version).toBe(manifest.version);
  });
});

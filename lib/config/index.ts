// The one reader of process.env (STYLE.md habit 1). Everything else imports `getConfig()`.
// A bad or missing value stops start-up with a message naming the variable and what it expects.
import { createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Role } from '@/lib/roles';
import { emailPatternProblem } from '@/lib/machine-users/email';
import { ONBOARDER_GRANT_POLICIES, type OnboarderGrantPolicy } from '@/lib/machine-users/grant-limit';
import { registerSecret } from '@/lib/security/redact';
import { VENDORS, vendorFromApiUrl, type Vendor } from '@/lib/vendor';

/** The suggested address of a new machine user; `{project}` and `{purpose}` are filled in. */
export const DEFAULT_MACHINE_USER_EMAIL = 'bots+{project}-{purpose}@example.com';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const secretValue = (name: string) =>
  optionalString.refine((value) => value === undefined || value.length >= 32, {
    message: `${name} must be at least 32 characters (generate one with: openssl rand -base64 48)`,
  });

/**
 * A number read from a variable; every refusal (not a number, a fraction, out of range) says the one
 * thing the variable accepts, rather than zod's "expected number, received NaN".
 */
function numberVariable(options: { min: number; max: number; whole: boolean; fallback: number; expects: string }) {
  const error = options.expects;
  const number = z.coerce.number({ error });
  return z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    (options.whole ? number.int({ error }) : number).min(options.min, { error }).max(options.max, { error }).default(options.fallback),
  );
}

const HTTP_URL_EXPECTED = 'must be an http:// or https:// URL';

/** An http(s) URL; `example` completes the message (e.g. "https://api.upsun.com"). */
const httpUrl = (example: string) => z.url({ protocol: /^https?$/, error: `${HTTP_URL_EXPECTED}, e.g. ${example}`, abort: true });

// A host name or an IP address to listen on (0.0.0.0 and :: are every interface).
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const EnvSchema = z
  .object({
    NODE_ENV: optionalString.pipe(z.enum(['development', 'production', 'test'], { error: 'must be "development", "production" or "test"' }).default('development')),
    PORT: numberVariable({ min: 1, max: 65535, whole: true, fallback: 3000, expects: 'must be a port number from 1 to 65535' }),
    KEYWARDEN_HOST: optionalString.default('127.0.0.1').refine((host) => isIP(host) !== 0 || HOST_NAME.test(host), {
      error: 'must be an IP address or host name to listen on, e.g. 127.0.0.1, or 0.0.0.0 for every interface',
    }),
    // Links are built from the origin alone (the app is served at the root): a path would be dropped
    // without a word, so it is refused.
    KEYWARDEN_URL: optionalString.pipe(
      httpUrl('https://keywarden.example.com')
        .refine((url) => { const parsed = new URL(url); return parsed.pathname === '/' && !parsed.search && !parsed.hash; }, {
          error: "must be the address of the site's root, without a path, query or fragment (Keywarden is served at /), e.g. https://keywarden.example.com",
        })
        .optional(),
    ),
    KEYWARDEN_DATA_DIR: optionalString.default('./.data'),
    DATABASE_URL: optionalString.pipe(
      z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// connection URL' }).optional(),
    ),
    KEYWARDEN_MIGRATION_DATABASE_URL: optionalString.pipe(
      z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// connection URL' }).optional(),
    ),
    KEYWARDEN_TRUSTED_PROXY_HOPS: numberVariable({ min: 0, max: 10, whole: true, fallback: 0, expects: 'must be a whole number of proxies from 0 to 10' }),
    KEYWARDEN_SESSION_SECRET: secretValue('KEYWARDEN_SESSION_SECRET'),
    KEYWARDEN_FINGERPRINT_KEY: secretValue('KEYWARDEN_FINGERPRINT_KEY'),
    KEYWARDEN_AUDIT_KEY: secretValue('KEYWARDEN_AUDIT_KEY'),
    KEYWARDEN_API_KEY_SECRET: secretValue('KEYWARDEN_API_KEY_SECRET'),
    // An Ed25519 private key (PKCS#8 PEM; "\n" escapes stand for line breaks, for one-line variables).
    KEYWARDEN_EVIDENCE_KEY: optionalString
      .transform((value) => value?.replaceAll('\\n', '\n'))
      .refine((value) => value === undefined || isEd25519PrivateKey(value), {
        message: 'KEYWARDEN_EVIDENCE_KEY must be an Ed25519 private key in PEM (generate one with: openssl genpkey -algorithm ed25519)',
      }),
    KEYWARDEN_ADMIN_EMAIL: optionalString.pipe(z.email({ error: 'must be an e-mail address' }).optional()),
    KEYWARDEN_ADMIN_PASSWORD: optionalString.pipe(
      z.string().min(12, 'must be 12 to 256 characters').max(256, 'must be 12 to 256 characters').optional(),
    ),
    KEYWARDEN_ADMIN_SECOND_FACTOR: optionalString.pipe(
      z.enum(['admins', 'everyone', 'nobody'], { error: 'must be "admins", "everyone" or "nobody"' }).optional(),
    ),
    KEYWARDEN_OIDC_ISSUER: optionalString.pipe(httpUrl('https://sso.example.com/realms/acme').optional()),
    KEYWARDEN_OIDC_CLIENT_ID: optionalString,
    KEYWARDEN_OIDC_CLIENT_SECRET: optionalString,
    KEYWARDEN_OIDC_NAME: optionalString.default('Single sign-on'),
    KEYWARDEN_OIDC_ROLE_CLAIM: optionalString,
    KEYWARDEN_OIDC_ROLE_MAP: optionalString.pipe(
      z
        .string()
        .regex(
          /^[^:,]+:(admin|onboarder|reviewer)(,[^:,]+:(admin|onboarder|reviewer))*$/,
          'must look like "group-a:admin,group-b:reviewer"',
        )
        .optional(),
    ),
    PLATFORMSH_API_TOKEN: optionalString,
    PLATFORMSH_API_URL: optionalString.default('https://api.platform.sh').pipe(httpUrl('https://api.platform.sh')),
    PLATFORMSH_AUTH_URL: optionalString.default('https://auth.api.platform.sh').pipe(httpUrl('https://auth.api.platform.sh')),
    KEYWARDEN_VENDOR: optionalString.pipe(z.enum(VENDORS, { error: 'must be "platformsh" or "upsun" (unset: from PLATFORMSH_API_URL)' }).optional()),
    PLATFORMSH_API_RATE_LIMIT: numberVariable({ min: 0.1, max: 1000, whole: false, fallback: 20, expects: 'must be a number of requests per second from 0.1 to 1000' }),
    PLATFORMSH_PUSH_CONCURRENCY: numberVariable({ min: 1, max: 32, whole: true, fallback: 4, expects: 'must be a whole number of environments from 1 to 32' }),
    KEYWARDEN_MACHINE_USER_EMAIL: optionalString.default(DEFAULT_MACHINE_USER_EMAIL).superRefine((pattern, ctx) => {
      const problem = emailPatternProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    KEYWARDEN_ONBOARDER_GRANTS: optionalString.default('preset').pipe(z.enum(ONBOARDER_GRANT_POLICIES, { error: 'must be "preset" (an onboarder grants at most the purpose\'s preset) or "any"' })),
    // smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start); user and
    // password in the URL, percent-encoded. Unset: e-mail goes to the sandbox mailbox in sandbox
    // mode and is off in live mode.
    KEYWARDEN_SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587' }).optional()),
    KEYWARDEN_MAIL_FROM: optionalString.pipe(
      z
        .string()
        .regex(/^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, 'must be an address, e.g. keywarden@example.com or "Keywarden <keywarden@example.com>"')
        .optional(),
    ),
    KEYWARDEN_SYNC_INTERVAL_MINUTES: numberVariable({
      min: 0,
      max: 10_080,
      whole: true,
      fallback: 60,
      expects: 'must be a whole number of minutes from 0 (off) to 10080 (a week)',
    }),
  })
  .superRefine((env, ctx) => {
    const admin = [env.KEYWARDEN_ADMIN_EMAIL, env.KEYWARDEN_ADMIN_PASSWORD];
    if (admin.some(Boolean) && !admin.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.KEYWARDEN_ADMIN_EMAIL ? 'KEYWARDEN_ADMIN_PASSWORD' : 'KEYWARDEN_ADMIN_EMAIL'],
        message: 'KEYWARDEN_ADMIN_EMAIL and KEYWARDEN_ADMIN_PASSWORD must be set together',
      });
    }
    if (env.KEYWARDEN_ADMIN_SECOND_FACTOR && !env.KEYWARDEN_ADMIN_EMAIL) {
      ctx.addIssue({ code: 'custom', path: ['KEYWARDEN_ADMIN_SECOND_FACTOR'], message: 'is written when KEYWARDEN_ADMIN_EMAIL provisions the admin: set that too' });
    }
    const oidc = [env.KEYWARDEN_OIDC_ISSUER, env.KEYWARDEN_OIDC_CLIENT_ID, env.KEYWARDEN_OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      const missing = ['KEYWARDEN_OIDC_ISSUER', 'KEYWARDEN_OIDC_CLIENT_ID', 'KEYWARDEN_OIDC_CLIENT_SECRET'].filter(
        (_, index) => !oidc[index],
      );
      ctx.addIssue({
        code: 'custom',
        path: [missing[0] ?? 'KEYWARDEN_OIDC_ISSUER'],
        message: `SSO needs KEYWARDEN_OIDC_ISSUER, KEYWARDEN_OIDC_CLIENT_ID and KEYWARDEN_OIDC_CLIENT_SECRET together (missing: ${missing.join(', ')})`,
      });
    }
    if (env.KEYWARDEN_OIDC_ROLE_MAP && !env.KEYWARDEN_OIDC_ROLE_CLAIM) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEYWARDEN_OIDC_ROLE_CLAIM'],
        message: 'KEYWARDEN_OIDC_ROLE_MAP needs KEYWARDEN_OIDC_ROLE_CLAIM (the claim that holds the groups)',
      });
    }
    if (env.KEYWARDEN_MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEYWARDEN_MIGRATION_DATABASE_URL'],
        message: 'KEYWARDEN_MIGRATION_DATABASE_URL needs DATABASE_URL (the role the server connects as)',
      });
    }
    const url = env.KEYWARDEN_URL ? new URL(env.KEYWARDEN_URL) : undefined;
    if (env.NODE_ENV === 'production' && url && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEYWARDEN_URL'],
        message: 'must be an https:// URL in production (plain http is accepted only for localhost)',
      });
    }
  });

/** Every variable Keywarden reads (README's configuration table has a row for each). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

export type { Role };

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  /** Claim holding the role or the groups; undefined → roles come from invitations only. */
  roleClaim?: string;
  /** Claim value → role; empty → the claim must hold a role name itself. */
  roleMap: Record<string, Role>;
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  version: string;
  port: number;
  host: string;
  /** The public origin users reach Keywarden at; the only origin allowed to send mutations. */
  publicUrl: URL;
  dataDir: string;
  /**
   * PostgreSQL: `url` is the role the server runs as; `migrationUrl`, when set, the owner role that
   * applies migrations and grants the server's role its privileges (SECURITY.md L4).
   */
  database: { kind: 'pglite'; directory: string } | { kind: 'postgresql'; url: string; migrationUrl?: string };
  trustedProxyHops: number;
  configuredSecrets: { session?: string; fingerprint?: string; audit?: string; apiKey?: string };
  /**
   * The Ed25519 private key that signs evidence packs (PEM), when configured; otherwise one is
   * generated into <data dir>/secrets/evidence-ed25519.pem (lib/config/evidence-key.ts).
   */
  evidenceKey?: string;
  /**
   * The admin provisioned at start-up when none exists; `secondFactorRequiredFor`, when given, is the
   * organisation's second-factor policy written with it (unattended installations decide it up front).
   */
  bootstrapAdmin?: { email: string; password: string; secondFactorRequiredFor?: 'admins' | 'everyone' | 'nobody' };
  oidc?: OidcConfig;
  /**
   * The Platform.sh API. In sandbox mode the bundled simulator replaces both URLs at start-up; in
   * live mode they point at the real API (or any server implementing the contract, e.g. Upsun's).
   */
  platformsh: {
    mode: 'sandbox' | 'live';
    /**
     * Platform.sh or Upsun (KEYWARDEN_VENDOR, else from the API host): the variable pushed, the CLI
     * and file named in the kit, the product name in copy, and the simulator's vendor in sandbox mode.
     */
    vendor: Vendor;
    apiToken?: string;
    apiUrl: URL;
    authUrl: URL;
    /** Requests per second the dashboard's client paces itself to (the API's limit, or less). */
    requestsPerSecond: number;
    /** Environments a token push (or a revocation) writes to at once. */
    pushConcurrency: number;
  };
  /** Minutes between scheduled inventory syncs; 0 turns them off. */
  syncIntervalMinutes: number;
  /**
   * Outbound e-mail. `smtp`: KEYWARDEN_SMTP_URL; `sandbox-mailbox`: sandbox mode without it (kept in
   * the database, shown at Settings → Mailbox); `disabled`: live mode without it.
   */
  mail: { transport: 'smtp'; smtpUrl: string; from: string } | { transport: 'sandbox-mailbox' | 'disabled'; from: string };
  /** The organisation's pattern for machine-user e-mail addresses. */
  machineUserEmailPattern: string;
  /** What an onboarder may grant a machine user (lib/machine-users/grant-limit.ts); an admin grants anything. */
  onboarderGrants: OnboarderGrantPolicy;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Keywarden cannot start: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

// Keep in step with package.json; a unit test checks that they agree.
export const KEYWARDEN_VERSION = '0.1.0';

/** Pure: validates an environment and derives the configuration. Throws ConfigError. */
export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        return issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.KEYWARDEN_DATA_DIR);
  const publicUrl = new URL(e.KEYWARDEN_URL ?? `http://localhost:${e.PORT}`);
  return {
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    version: KEYWARDEN_VERSION,
    port: e.PORT,
    host: e.KEYWARDEN_HOST,
    publicUrl,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgresql', url: e.DATABASE_URL, migrationUrl: e.KEYWARDEN_MIGRATION_DATABASE_URL }
      : { kind: 'pglite', directory: path.join(dataDir, 'pglite') },
    trustedProxyHops: e.KEYWARDEN_TRUSTED_PROXY_HOPS,
    configuredSecrets: {
      session: e.KEYWARDEN_SESSION_SECRET,
      fingerprint: e.KEYWARDEN_FINGERPRINT_KEY,
      audit: e.KEYWARDEN_AUDIT_KEY,
      apiKey: e.KEYWARDEN_API_KEY_SECRET,
    },
    evidenceKey: e.KEYWARDEN_EVIDENCE_KEY,
    bootstrapAdmin:
      e.KEYWARDEN_ADMIN_EMAIL && e.KEYWARDEN_ADMIN_PASSWORD
        ? {
            email: e.KEYWARDEN_ADMIN_EMAIL.toLowerCase(),
            password: e.KEYWARDEN_ADMIN_PASSWORD,
            ...(e.KEYWARDEN_ADMIN_SECOND_FACTOR ? { secondFactorRequiredFor: e.KEYWARDEN_ADMIN_SECOND_FACTOR } : {}),
          }
        : undefined,
    oidc:
      e.KEYWARDEN_OIDC_ISSUER && e.KEYWARDEN_OIDC_CLIENT_ID && e.KEYWARDEN_OIDC_CLIENT_SECRET
        ? {
            issuer: e.KEYWARDEN_OIDC_ISSUER.replace(/\/$/, ''),
            clientId: e.KEYWARDEN_OIDC_CLIENT_ID,
            clientSecret: e.KEYWARDEN_OIDC_CLIENT_SECRET,
            displayName: e.KEYWARDEN_OIDC_NAME,
            roleClaim: e.KEYWARDEN_OIDC_ROLE_CLAIM,
            roleMap: parseRoleMap(e.KEYWARDEN_OIDC_ROLE_MAP),
          }
        : undefined,
    platformsh: {
      mode: e.PLATFORMSH_API_TOKEN ? 'live' : 'sandbox',
      vendor: e.KEYWARDEN_VENDOR ?? vendorFromApiUrl(e.PLATFORMSH_API_URL),
      apiToken: e.PLATFORMSH_API_TOKEN,
      apiUrl: new URL(e.PLATFORMSH_API_URL.replace(/\/+$/, '')),
      authUrl: new URL(e.PLATFORMSH_AUTH_URL.replace(/\/+$/, '')),
      requestsPerSecond: e.PLATFORMSH_API_RATE_LIMIT,
      pushConcurrency: e.PLATFORMSH_PUSH_CONCURRENCY,
    },
    syncIntervalMinutes: e.KEYWARDEN_SYNC_INTERVAL_MINUTES,
    mail: e.KEYWARDEN_SMTP_URL
      ? { transport: 'smtp', smtpUrl: e.KEYWARDEN_SMTP_URL, from: e.KEYWARDEN_MAIL_FROM ?? `Keywarden <keywarden@${publicUrl.hostname}>` }
      : { transport: e.PLATFORMSH_API_TOKEN ? 'disabled' : 'sandbox-mailbox', from: e.KEYWARDEN_MAIL_FROM ?? `Keywarden <keywarden@${publicUrl.hostname}>` },
    machineUserEmailPattern: e.KEYWARDEN_MACHINE_USER_EMAIL,
    onboarderGrants: e.KEYWARDEN_ONBOARDER_GRANTS,
  };
}

function parseRoleMap(value: string | undefined): Record<string, Role> {
  if (!value) return {};
  return Object.fromEntries(
    value.split(',').map((pair) => {
      const [group = '', role] = pair.split(':');
      return [group.trim(), role as Role];
    }),
  );
}

/** The passwords inside the database URLs (the owner's above all), for redaction by value. */
function databasePasswords(database: Config['database']): string[] {
  if (database.kind !== 'postgresql') return [];
  return [database.url, database.migrationUrl]
    .map((url) => (url ? decodeURIComponent(new URL(url).password) : ''))
    .filter((password) => password !== '');
}

/** The password inside KEYWARDEN_SMTP_URL, for redaction by value (an SMTP error may echo it). */
function smtpPassword(mail: Config['mail']): string | undefined {
  if (mail.transport !== 'smtp') return undefined;
  return decodeURIComponent(new URL(mail.smtpUrl).password) || undefined;
}

let cached: Config | undefined;

/** The process's configuration, validated once. */
export function getConfig(): Config {
  if (!cached) {
    cached = parseConfig(process.env);
    // From here on, these values are redacted from every log line and audit row.
    for (const value of [
      cached.platformsh.apiToken,
      cached.oidc?.clientSecret,
      cached.bootstrapAdmin?.password,
      ...Object.values(cached.configuredSecrets),
      cached.evidenceKey,
      ...databasePasswords(cached.database),
      smtpPassword(cached.mail),
    ]) {
      registerSecret(value);
    }
  }
  return cached;
}

/** For tests that start servers with a different environment. */
export function resetConfigForTests(): void {
  cached = undefined;
}

/**
 * Variables that libraries read by themselves. Set from the validated configuration (never the
 * other way round) by the start command before Next.js loads.
 */
export function libraryEnvironment(config: Config): Record<string, string> {
  return {
    NEXTAUTH_URL: config.publicUrl.origin,
    NEXT_TELEMETRY_DISABLED: '1',
  };
}

// API token → access token (CONTRACT.md "Authentication"): POST {auth}/oauth2/token with HTTP Basic
// `platform-api-user:` and `grant_type=api_token&api_token=…`. The access token is cached until
// shortly before `expires_in` runs out and refreshed once when the API answers 401.
import { forgetSecret, knownSecrets, registerSecret } from '@/lib/security/redact';
import { isPlatformshError, PlatformshError } from './errors';
import type { HttpCore } from './http';
import { tokenResponseSchema } from './schemas';

export interface AccessTokenProviderOptions {
  http: HttpCore;
  authUrl: URL;
  apiToken: string;
  /** Refresh this long before the access token expires (default 60 s). */
  refreshMarginMs?: number;
}

const TOKEN_PATH = '/oauth2/token';

export class AccessTokenProvider {
  private readonly http: HttpCore;
  private readonly tokenUrl: URL;
  private readonly apiToken: string;
  private readonly refreshMarginMs: number;
  private cached: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  // Only secrets this provider added are forgotten on dispose: the dashboard's own token is also
  // registered by lib/config, and forgetting it there would stop redacting it process-wide.
  private readonly ownedSecrets = new Set<string>();
  private disposed = false;

  constructor(options: AccessTokenProviderOptions) {
    this.http = options.http;
    this.tokenUrl = new URL(`${options.authUrl.pathname.replace(/\/+$/, '')}${TOKEN_PATH}`, options.authUrl);
    this.apiToken = options.apiToken;
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.hold(options.apiToken);
  }

  /** Every secret this provider holds now, for redaction of a call's errors. */
  secrets(): string[] {
    return this.cached ? [this.apiToken, this.cached.token] : [this.apiToken];
  }

  /** A valid access token, exchanged only when none is cached or it is about to expire. */
  async get(): Promise<string> {
    if (this.cached && Date.now() < this.cached.expiresAt - this.refreshMarginMs) return this.cached.token;
    return this.exchange();
  }

  /** Called after a 401 with the token that was refused: exchanges again unless another call already did. */
  async refresh(refused: string): Promise<string> {
    if (this.cached && this.cached.token !== refused) return this.cached.token;
    this.cached = undefined;
    return this.exchange();
  }

  dispose(): void {
    this.disposed = true;
    this.cached = undefined;
    for (const secret of this.ownedSecrets) forgetSecret(secret);
    this.ownedSecrets.clear();
  }

  private hold(secret: string): void {
    if (!knownSecrets().includes(secret)) {
      registerSecret(secret);
      this.ownedSecrets.add(secret);
    }
  }

  private exchange(): Promise<string> {
    // Single flight: concurrent callers share one exchange.
    this.inflight ??= this.doExchange().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async doExchange(): Promise<string> {
    if (this.disposed) throw new PlatformshError({ kind: 'unauthorized', method: 'POST', path: TOKEN_PATH, detail: 'client disposed', productName: this.http.productName });
    const secrets = [this.apiToken];
    const response = await this.http.send({
      method: 'POST',
      url: this.tokenUrl,
      pathTemplate: TOKEN_PATH,
      headers: {
        authorization: `Basic ${Buffer.from('platform-api-user:').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'api_token', api_token: this.apiToken }).toString(),
      secrets,
      // The exchange creates nothing (it moves `last_used_at`), so repeating it is harmless.
      idempotent: true,
    }).catch((error: unknown) => {
      // The OAuth server answers a bad token with 400 (`invalid_grant`) as often as 401.
      if (isPlatformshError(error) && (error.status === 400 || error.status === 401 || error.status === 403)) {
        throw new PlatformshError({
          kind: 'unauthorized',
          method: 'POST',
          path: TOKEN_PATH,
          status: error.status,
          code: error.code,
          vendorMessage: error.vendorMessage,
          secrets,
          productName: this.http.productName,
        });
      }
      throw error;
    });
    const parsed = parseJson(response.bodyText);
    const result = tokenResponseSchema.safeParse(parsed);
    if (!result.success) {
      throw new PlatformshError({ kind: 'protocol', method: 'POST', path: TOKEN_PATH, status: response.status, detail: 'token response did not match', secrets, productName: this.http.productName });
    }
    const { access_token: token, expires_in: expiresIn } = result.data;
    this.hold(token);
    this.cached = { token, expiresAt: Date.now() + expiresIn * 1000 };
    return token;
  }
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

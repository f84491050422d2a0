// A real OpenID Connect provider on loopback for the SSO end-to-end tests (panva's oidc-provider,
// with its development login and consent pages: any password is accepted for a known login).
import http from 'node:http';
import type net from 'node:net';
import Provider from 'oidc-provider';

export interface TestIdentity {
  email: string;
  name: string;
  /** Released as the `keywarden_groups` claim. */
  groups: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  stop: () => Promise<void>;
}

export const TEST_ROLE_CLAIM = 'keywarden_groups';

export async function startOidcProvider(options: {
  redirectUri: string;
  identities: Record<string, TestIdentity>;
}): Promise<TestOidcProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const clientId = 'keywarden-e2e';
  const clientSecret = 'keywarden-e2e-client-secret-0123456789';

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', TEST_ROLE_CLAIM] },
    // next-auth reads the profile from the ID token, so the scope's claims go there too.
    conformIdTokenClaims: false,
    cookies: { keys: ['keywarden-e2e-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_context, login) {
      const identity = options.identities[login];
      if (!identity) return undefined;
      return {
        accountId: login,
        claims: async () => ({
          sub: `sub-${login}`,
          email: identity.email,
          email_verified: true,
          name: identity.name,
          [TEST_ROLE_CLAIM]: identity.groups,
        }),
      };
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    roleClaim: TEST_ROLE_CLAIM,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

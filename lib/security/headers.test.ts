import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isSameOriginRequest } from './headers';

const NONCE = 'bm9uY2UtZm9yLXRlc3Q=';

/** The policy's directives by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('contentSecurityPolicy', () => {
  const production = directives(contentSecurityPolicy(NONCE, { isDevelopment: false, isHttps: true }));
  const development = directives(contentSecurityPolicy(NONCE, { isDevelopment: true, isHttps: false }));

  it("lets scripts run only with this response's nonce", () => {
    expect(production.get('script-src')).toEqual(["'self'", `'nonce-${NONCE}'`, "'strict-dynamic'"]);
    expect(production.get('style-src')).toContain(`'nonce-${NONCE}'`);
  });

  it('forbids framing, plugins and foreign form targets', () => {
    for (const policy of [production, development]) {
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('form-action')).toEqual(["'self'"]);
      expect(policy.get('base-uri')).toEqual(["'self'"]);
      expect(policy.get('default-src')).toEqual(["'self'"]);
    }
  });

  it('allows neither eval nor inline styles in production', () => {
    const text = contentSecurityPolicy(NONCE, { isDevelopment: false, isHttps: true });
    expect(text).not.toContain('unsafe-eval');
    expect(production.get('style-src')).not.toContain("'unsafe-inline'");
    expect(production.get('connect-src')).toEqual(["'self'"]);
  });

  it('allows eval and websockets only for development hot reload', () => {
    expect(development.get('script-src')).toContain("'unsafe-eval'");
    expect(development.get('connect-src')).toEqual(["'self'", 'ws:', 'wss:']);
  });

  it('upgrades insecure requests only when served over https', () => {
    expect(production.has('upgrade-insecure-requests')).toBe(true);
    expect(directives(contentSecurityPolicy(NONCE, { isDevelopment: false, isHttps: false })).has('upgrade-insecure-requests')).toBe(false);
  });

  it('uses the nonce it is given', () => {
    const other = contentSecurityPolicy('b3RoZXI=', { isDevelopment: false, isHttps: true });
    expect(other).toContain("'nonce-b3RoZXI='");
    expect(other).not.toContain(NONCE);
  });
});

describe('isSameOriginRequest', () => {
  const ORIGIN = 'https://keys.example.com';
  const allowed = ORIGIN;
  const headers = (values: Record<string, string>) => new Headers(values);

  it('always lets safe methods through', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(isSameOriginRequest(method, headers({ origin: 'https://evil.example' }), allowed)).toBe(true);
      expect(isSameOriginRequest(method, headers({}), allowed)).toBe(true);
    }
  });

  it('accepts a state-changing request from its own origin', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) {
      expect(isSameOriginRequest(method, headers({ origin: ORIGIN }), allowed)).toBe(true);
    }
  });

  it('refuses a state-changing request from a foreign origin, even with our Referer', () => {
    expect(isSameOriginRequest('POST', headers({ origin: 'https://evil.example' }), allowed)).toBe(false);
    expect(isSameOriginRequest('POST', headers({ origin: 'http://keys.example.com' }), allowed)).toBe(false);
    expect(isSameOriginRequest('POST', headers({ origin: 'https://keys.example.com.evil.example' }), allowed)).toBe(false);
    expect(isSameOriginRequest('DELETE', headers({ origin: 'https://evil.example', referer: `${ORIGIN}/users` }), allowed)).toBe(false);
  });

  it('refuses a state-changing request with neither Origin nor Referer', () => {
    expect(isSameOriginRequest('POST', headers({}), allowed)).toBe(false);
  });

  it('falls back to the Referer when there is no Origin', () => {
    expect(isSameOriginRequest('POST', headers({ referer: `${ORIGIN}/users?page=2` }), allowed)).toBe(true);
    expect(isSameOriginRequest('POST', headers({ referer: 'https://evil.example/keys.example.com' }), allowed)).toBe(false);
    expect(isSameOriginRequest('POST', headers({ referer: 'not a url' }), allowed)).toBe(false);
  });

  it("refuses Origin 'null' outright, whatever the Referer says", () => {
    expect(isSameOriginRequest('POST', headers({ origin: 'null' }), allowed)).toBe(false);
    expect(isSameOriginRequest('POST', headers({ origin: 'null', referer: 'https://evil.example/' }), allowed)).toBe(false);
    expect(isSameOriginRequest('POST', headers({ origin: 'null', referer: `${ORIGIN}/users` }), allowed)).toBe(false);
  });

  it('refuses an empty Origin rather than falling back to the Referer', () => {
    expect(isSameOriginRequest('POST', headers({ origin: '', referer: `${ORIGIN}/users` }), allowed)).toBe(false);
  });
});

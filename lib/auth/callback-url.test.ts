import { describe, expect, it } from 'vitest';
import { isAcceptedByNextAuth, redirectWithinSite, safeCallbackPath, signInPathFor } from './callback-url';

describe('safeCallbackPath', () => {
  it('keeps a path of this site with its query and fragment', () => {
    expect(safeCallbackPath('/tokens?status=all')).toBe('/tokens?status=all');
    expect(safeCallbackPath('/machine-users/abc#tokens')).toBe('/machine-users/abc#tokens');
    expect(safeCallbackPath('/')).toBe('/');
  });

  it.each([
    'https://evil.example/steal',
    '//evil.example/steal',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    ' /tokens',
    '/\tevil',
    'tokens',
    '',
    '/sign-in?callbackUrl=/tokens',
    '/api/auth/signout',
  ])('refuses %j', (value) => {
    expect(safeCallbackPath(value)).toBeUndefined();
  });

  it('normalises dot segments without leaving the origin', () => {
    expect(safeCallbackPath('/a/../../tokens')).toBe('/tokens');
  });

  // Dot segments the URL parser removes can leave a protocol-relative "//host" behind, which a
  // browser (and Next's redirect()) reads as another site.
  it.each(['/.//evil.example', '/a/..//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example', '/./\\evil.example', '/.//evil.example/tokens?x=1'])(
    'refuses %j, which normalises to a protocol-relative address',
    (value) => {
      expect(safeCallbackPath(value)).toBeUndefined();
    },
  );
});

describe('signInPathFor', () => {
  it('carries a deep link, and nothing for the overview or an unsafe value', () => {
    expect(signInPathFor('/tokens?status=all')).toBe('/sign-in?callbackUrl=%2Ftokens%3Fstatus%3Dall');
    expect(signInPathFor('/')).toBe('/sign-in');
    expect(signInPathFor('//evil.example')).toBe('/sign-in');
    expect(signInPathFor(null)).toBe('/sign-in');
  });
});

describe('isAcceptedByNextAuth', () => {
  const base = 'https://keys.example.com';
  it('accepts a path and an http(s) URL, as next-auth does', () => {
    for (const value of ['/', '/tokens?x=1', '//evil.example', 'https://evil.example/', 'http://keys.example.com/a']) expect(isAcceptedByNextAuth(value, base), value).toBe(true);
  });
  it('refuses what next-auth answers with a 500: not a URL, or another scheme', () => {
    for (const value of ['javascript:alert(1)', ' //evil.example', '\\\\evil.example', 'true', 'tokens', 'data:text/html,x', 'ftp://evil.example/']) expect(isAcceptedByNextAuth(value, base), value).toBe(false);
  });
});

describe('redirectWithinSite', () => {
  const baseUrl = 'https://keys.example.com';
  it('keeps a path of this site and a URL of its origin', () => {
    expect(redirectWithinSite({ url: '/tokens', baseUrl })).toBe('https://keys.example.com/tokens');
    expect(redirectWithinSite({ url: 'https://keys.example.com/review', baseUrl })).toBe('https://keys.example.com/review');
  });
  it('answers what a Location header can hold: no line break, NUL or character beyond ASCII', () => {
    expect(redirectWithinSite({ url: '/\r\nSet-Cookie: x=1', baseUrl })).toBe('https://keys.example.com/Set-Cookie:%20x=1');
    expect(redirectWithinSite({ url: 'https://keys.example.com/a\u2028b\u0000c', baseUrl })).toBe('https://keys.example.com/a%E2%80%A8b%00c');
    // A path that begins with "//" stays on this site: the base is written before it.
    expect(redirectWithinSite({ url: '//evil.example', baseUrl })).toBe('https://keys.example.com//evil.example');
    expect(redirectWithinSite({ url: '/\\evil.example', baseUrl })).toBe('https://keys.example.com//evil.example');
  });

  it('sends anything else home, a value that is not a URL too (next-auth’s default threw)', () => {
    for (const url of ['https://evil.example/', ' //evil.example', '\\\\evil.example', 'javascript:alert(1)', 'https://keys.example.com.evil.example/']) {
      expect(redirectWithinSite({ url, baseUrl }), url).toBe(baseUrl);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { safeCallbackPath, signInPathFor } from './callback-url';

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

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
});

describe('signInPathFor', () => {
  it('carries a deep link, and nothing for the overview or an unsafe value', () => {
    expect(signInPathFor('/tokens?status=all')).toBe('/sign-in?callbackUrl=%2Ftokens%3Fstatus%3Dall');
    expect(signInPathFor('/')).toBe('/sign-in');
    expect(signInPathFor('//evil.example')).toBe('/sign-in');
    expect(signInPathFor(null)).toBe('/sign-in');
  });
});

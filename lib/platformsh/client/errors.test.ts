import { describe, expect, it } from 'vitest';
import { encodingsOf } from '@/lib/security/redact';
import { isPlatformshError, kindForStatus, parseVendorError, PlatformshError } from './errors';

describe('parseVendorError', () => {
  it('reads the legacy {error} shape', () => {
    expect(parseVendorError('{"error":"Variable already exists."}')).toEqual({ code: undefined, message: 'Variable already exists.' });
  });
  it('reads an OAuth error with a description', () => {
    expect(parseVendorError('{"error":"invalid_grant","error_description":"Invalid API token."}')).toEqual({ code: 'invalid_grant', message: 'Invalid API token.' });
  });
  it('reads application/problem+json', () => {
    expect(parseVendorError('{"type":"https://api.platform.sh/errors/conflict","title":"Conflict","status":409,"detail":"Already granted."}')).toEqual({
      code: 'https://api.platform.sh/errors/conflict',
      message: 'Already granted.',
    });
    expect(parseVendorError('{"type":"about:blank","title":"Not Found","status":404}')).toEqual({ code: 'Not Found', message: 'Not Found' });
  });
  it('yields nothing for non-JSON or non-object bodies', () => {
    expect(parseVendorError('<html>502 Bad Gateway</html>')).toEqual({});
    expect(parseVendorError('["a"]')).toEqual({});
    expect(parseVendorError('')).toEqual({});
  });
});

describe('PlatformshError', () => {
  const apiToken = 'kw_canary_apitoken_0123456789abcdef';
  const accessToken = 'eyJhbGciOiJSUzI1NiJ9.canary-access.sig';
  const value = 'kw_canary_variable_value_fedcba9876';

  it.each([apiToken, accessToken, value])('never carries a secret in any encoding (%#)', (secret) => {
    for (const form of encodingsOf(secret)) {
      const error = new PlatformshError({
        kind: 'invalid',
        method: 'POST',
        path: '/projects/{projectId}/variables',
        status: 400,
        code: `bad ${form}`,
        vendorMessage: `Invalid request body: {"value":"${form}"} Authorization: Bearer ${form}`,
        detail: form,
        secrets: [apiToken, accessToken, value],
      });
      const texts = [error.message, String(error), JSON.stringify(error), error.userMessage, error.vendorMessage ?? '', error.code ?? '', error.toAppError().message];
      for (const text of texts) for (const f of encodingsOf(secret)) expect(text).not.toContain(f);
      expect(error.message).toContain('[REDACTED]');
    }
  });

  it('names method, templated path, status and kind, and truncates long vendor texts', () => {
    const error = new PlatformshError({ kind: 'conflict', method: 'POST', path: '/projects/{project_id}/user-access', status: 409, vendorMessage: 'x'.repeat(1000) });
    expect(error.message).toMatch(/^Platform\.sh POST \/projects\/\{project_id\}\/user-access 409 \(conflict\)/);
    expect(error.vendorMessage?.length).toBeLessThanOrEqual(301);
    expect(error.userMessage).toMatch(/already exists/);
  });

  it('maps to the app vocabulary', () => {
    const make = (kind: ConstructorParameters<typeof PlatformshError>[0]['kind']) => new PlatformshError({ kind, method: 'GET', path: '/x' }).toAppError().code;
    expect(make('unauthorized')).toBe('forbidden');
    expect(make('forbidden')).toBe('forbidden');
    expect(make('not_found')).toBe('not_found');
    expect(make('conflict')).toBe('conflict');
    expect(make('invalid')).toBe('invalid_input');
    expect(make('rate_limited')).toBe('rate_limited');
    expect(make('unknown_outcome')).toBe('internal');
    expect(make('circuit_open')).toBe('internal');
  });

  it('maps statuses to kinds', () => {
    expect([400, 401, 402, 403, 404, 409, 422, 429, 500, 501, 502, 503, 504].map(kindForStatus)).toEqual([
      'invalid', 'unauthorized', 'invalid', 'forbidden', 'not_found', 'conflict', 'invalid', 'rate_limited',
      'unavailable', 'unavailable', 'unavailable', 'unavailable', 'unavailable',
    ]);
  });
});

describe('isPlatformshError across bundles', () => {
  it('recognises the brand, not the class: Next.js may load this module once per server layer', () => {
    const fromAnotherCopy = Object.assign(new Error('Platform.sh GET /x 404'), { [Symbol.for('keywarden.PlatformshError')]: true, kind: 'not_found' });
    expect(isPlatformshError(fromAnotherCopy)).toBe(true);
    expect(isPlatformshError(new PlatformshError({ kind: 'not_found', method: 'GET', path: '/x' }))).toBe(true);
    expect(isPlatformshError(new Error('Platform.sh GET /x 404'))).toBe(false);
    expect(isPlatformshError({ kind: 'not_found' })).toBe(false);
    expect(isPlatformshError(null)).toBe(false);
  });
});

import { decode, encode } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';
import { authErrorLevel, SessionEndedError } from './auth-log-level';

describe('authErrorLevel', () => {
  it('logs what a client caused below error level', async () => {
    expect(authErrorLevel('JWT_SESSION_ERROR', new SessionEndedError())).toBe('info');
    expect(authErrorLevel('INVALID_CALLBACK_URL_ERROR', new Error('Invalid callback URL. Received: \r\nX'))).toBe('warn');
    // What next-auth's decode throws for a forged cookie and for one signed with another secret.
    const forged = await decode({ token: 'not-a-jwe', secret: 'one secret' }).catch((error: unknown) => error);
    const foreign = await decode({ token: await encode({ token: { sub: 'x' }, secret: 'another secret' }), secret: 'one secret' }).catch((error: unknown) => error);
    expect(authErrorLevel('JWT_SESSION_ERROR', forged)).toBe('warn');
    expect(authErrorLevel('JWT_SESSION_ERROR', foreign)).toBe('warn');
  });

  it('keeps real server errors at error level', () => {
    expect(authErrorLevel('JWT_SESSION_ERROR', new Error('connection terminated unexpectedly'))).toBe('error');
    expect(authErrorLevel('OAUTH_CALLBACK_ERROR', new Error('issuer unreachable'))).toBe('error');
    expect(authErrorLevel('SIGNIN_OAUTH_ERROR', undefined)).toBe('error');
  });
});

import { describe, expect, it } from 'vitest';
import { withoutSecretParameters } from './secret-query';

describe('withoutSecretParameters', () => {
  it('removes every parameter named like a secret and keeps the rest', () => {
    const url = new URL('https://keys.example.com/tokens?token=abc&status=active&liveToken=x&password=p&newPassword=q&api_key=k&client_secret=s&X-Credential=c');
    expect(withoutSecretParameters(url)?.toString()).toBe('https://keys.example.com/tokens?status=active');
  });

  it('removes repeated parameters of the same name', () => {
    expect(withoutSecretParameters(new URL('https://k.example/a?token=1&token=2&q=x'))?.search).toBe('?q=x');
  });

  it('removes a parameter whose value looks like a token, whatever its name (a token pasted into a search box)', () => {
    const token = 'kPq3Vx9ZtR2mW8nYb4LcD7fGh1JsAe6U';
    expect(withoutSecretParameters(new URL(`https://k.example/tokens?q=${token}&status=active`))?.search).toBe('?status=active');
    expect(withoutSecretParameters(new URL(`https://k.example/machine-users?q=${encodeURIComponent(`leaked ${token} here`)}`))?.search).toBe('');
    // Every value of the name goes, not just the token-like one: the page would echo the others with it.
    expect(withoutSecretParameters(new URL(`https://k.example/audit?actor=alice&actor=${token}`))?.search).toBe('');
  });

  it('keeps values that only resemble tokens: ids, hex digests, UUIDs, long words and the REST API cursors', () => {
    expect(withoutSecretParameters(new URL('https://k.example/audit?target=3f2a9c0e1b7d4a6f8e5c2b1a0d9e8f7c6b5a4d3e2f1a0b9c8d7e6f5a4b3c2d1e'))).toBeNull();
    expect(withoutSecretParameters(new URL('https://k.example/tokens?q=0b9f6c1e-4d2a-4f7b-9a3c-5e8d1f2b7c6a'))).toBeNull();
    expect(withoutSecretParameters(new URL('https://k.example/projects?q=internationalisation-of-everything-we-ship'))).toBeNull();
  });

  it('leaves the REST API to refuse a token-like value itself, and still strips secret names there', () => {
    const token = 'kPq3Vx9ZtR2mW8nYb4LcD7fGh1JsAe6U';
    expect(withoutSecretParameters(new URL(`https://k.example/api/v1/audit-events?actor=${token}`))).toBeNull();
    expect(withoutSecretParameters(new URL(`https://k.example/api/v1/tokens?token=${token}&limit=5`))?.search).toBe('?limit=5');
  });

  it('leaves a URL without such parameters alone, values named like a secret included', () => {
    expect(withoutSecretParameters(new URL('https://k.example/projects?sort=token&variable=on-production'))).toBeNull();
    expect(withoutSecretParameters(new URL('https://k.example/audit?action=token.record'))).toBeNull();
  });
});

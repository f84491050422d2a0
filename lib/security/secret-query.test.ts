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

  it('leaves a URL without such parameters alone, values named like a secret included', () => {
    expect(withoutSecretParameters(new URL('https://k.example/projects?sort=token&variable=on-production'))).toBeNull();
    expect(withoutSecretParameters(new URL('https://k.example/audit?action=token.record'))).toBeNull();
  });
});

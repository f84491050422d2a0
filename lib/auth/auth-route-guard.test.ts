import { describe, expect, it } from 'vitest';
import { refuseMalformedAuthRequest } from './auth-route-guard';

const COOKIE = 'keywarden.callback-url';
const BASE = 'http://localhost:3000';

function request(path: string, init: { method?: string; cookie?: string; body?: string; contentType?: string } = {}): Request {
  const headers = new Headers();
  if (init.cookie) headers.set('cookie', init.cookie);
  if (init.contentType) headers.set('content-type', init.contentType);
  return new Request(`${BASE}${path}`, { method: init.method ?? 'GET', headers, body: init.body });
}

describe('refuseMalformedAuthRequest: callback URLs next-auth cannot read', () => {
  it('refuses a callbackUrl parameter that is neither a path nor an http(s) URL, any of repeated ones', async () => {
    for (const query of ['callbackUrl=javascript:alert(1)', 'callbackUrl=%20%2F%2Fevil.example', 'callbackUrl=%2F&callbackUrl=javascript:x']) {
      expect((await refuseMalformedAuthRequest(request(`/api/auth/csrf?${query}`), ['csrf'], COOKIE))?.status, query).toBe(400);
    }
  });

  it('refuses such a cookie, as next-auth reads it (the last of a name, decoded), and removes it', async () => {
    for (const cookie of [`${COOKIE}=javascript%3Aalert(1)`, `${COOKIE}=%20%2F%2Fevil.example`, COOKIE, `${COOKIE}=%2F; ${COOKIE}=javascript%3Ax`]) {
      const refused = await refuseMalformedAuthRequest(request('/api/auth/session', { cookie }), ['session'], COOKIE);
      expect(refused?.status, cookie).toBe(400);
      expect(refused?.headers.get('set-cookie'), cookie).toMatch(new RegExp(`^${COOKIE.replace('.', '\\.')}=; Path=/; Max-Age=0`));
    }
  });

  it('hands on what next-auth reads, with the body left for it to read', async () => {
    for (const [path, cookie] of [
      ['/api/auth/csrf?callbackUrl=%2Ftokens', `${COOKIE}=${encodeURIComponent(`${BASE}/tokens`)}`],
      ['/api/auth/session?callbackUrl=https%3A%2F%2Fevil.example%2F', `${COOKIE}=%2F`],
    ]) {
      expect(await refuseMalformedAuthRequest(request(path ?? '', { cookie }), ['session'], COOKIE), path).toBeNull();
    }
    const body = 'csrfToken=x&email=a%40example.com&password=p&callbackUrl=%2F';
    const post = request('/api/auth/callback/credentials', { method: 'POST', cookie: `${COOKIE}=%2F`, body, contentType: 'application/x-www-form-urlencoded' });
    expect(await refuseMalformedAuthRequest(post, ['callback', 'credentials'], COOKIE)).toBeNull();
    expect(await post.text()).toBe(body);
  });
});

import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exceedsNestingDepth, gateRequests, isPublicHost, MAX_BODY_BYTES, MAX_NESTING_DEPTH, refuseBodyHeaders, refuseHost, SERVED_METHODS, type RequestHandler } from './request-gate';
import STATIC_SECURITY_HEADERS from './static-headers.json';

describe('isPublicHost', () => {
  const https = new URL('https://keys.example.com');
  const local = new URL('http://localhost:3000');

  it('accepts KEYWARDEN_URL’s host, case-insensitively, with or without its default port', () => {
    expect(isPublicHost('keys.example.com', https)).toBe(true);
    expect(isPublicHost('Keys.Example.COM', https)).toBe(true);
    expect(isPublicHost('keys.example.com:443', https)).toBe(true);
    expect(isPublicHost('localhost:3000', local)).toBe(true);
    expect(isPublicHost('[::1]:3000', new URL('http://[::1]:3000'))).toBe(true);
  });

  it('refuses another host, another port, a missing port and anything that is not a bare host', () => {
    for (const host of [
      undefined,
      '',
      'evil.example',
      'keys.example.com.evil.example',
      'keys.example.com:8443',
      'keys.example.com:80',
      'evil@keys.example.com',
      'keys.example.com/path',
      'keys.example.com.',
      ' keys.example.com',
    ]) {
      expect(isPublicHost(host, https), String(host)).toBe(false);
    }
    expect(isPublicHost('localhost', local)).toBe(false);
    expect(isPublicHost('127.0.0.1:3000', local)).toBe(false);
    expect(isPublicHost('localhost:3001', local)).toBe(false);
  });
});

describe('refuseHost', () => {
  const publicUrl = new URL('https://keys.example.com');
  it('answers 421 for an unknown Host, except for the health check', () => {
    expect(refuseHost({ method: 'POST', url: '/users', headers: { host: 'evil.example' } }, publicUrl)?.status).toBe(421);
    expect(refuseHost({ method: 'GET', url: '/_next/static/chunk.js', headers: { host: '10.0.0.5:3000' } }, publicUrl)?.status).toBe(421);
    expect(refuseHost({ method: 'GET', url: '/api/health', headers: { host: '10.0.0.5:3000' } }, publicUrl)).toBeNull();
    expect(refuseHost({ method: 'GET', url: '/api/health?probe=1', headers: {} }, publicUrl)).toBeNull();
    expect(refuseHost({ method: 'POST', url: '/api/health', headers: { host: 'evil.example' } }, publicUrl)?.status).toBe(421);
    expect(refuseHost({ method: 'GET', url: '/api/healthz', headers: { host: 'evil.example' } }, publicUrl)?.status).toBe(421);
    expect(refuseHost({ method: 'POST', url: '/users', headers: { host: 'keys.example.com' } }, publicUrl)).toBeNull();
  });
});

describe('refuseBodyHeaders', () => {
  it('refuses a declared length over the limit with 413 and a chunked body with 411', () => {
    expect(refuseBodyHeaders({ 'content-length': String(MAX_BODY_BYTES + 1) })?.status).toBe(413);
    expect(refuseBodyHeaders({ 'transfer-encoding': 'chunked' })?.status).toBe(411);
    expect(refuseBodyHeaders({ 'content-length': String(MAX_BODY_BYTES) })).toBeNull();
    expect(refuseBodyHeaders({})).toBeNull();
  });
});

describe('exceedsNestingDepth', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');
  it('counts brackets of either kind, and is not fooled by quotes', () => {
    expect(exceedsNestingDepth(bytes('[{"roles":{"project":"viewer"}},"$K1"]'))).toBe(false);
    expect(exceedsNestingDepth(bytes(`${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}`))).toBe(false);
    expect(exceedsNestingDepth(bytes('['.repeat(MAX_NESTING_DEPTH + 1)))).toBe(true);
    expect(exceedsNestingDepth(bytes(`"${'[{'.repeat(40)}`))).toBe(true);
    expect(exceedsNestingDepth(bytes(`${'[]'.repeat(10_000)}`))).toBe(false);
    expect(exceedsNestingDepth(bytes(']]]]'.concat('['.repeat(MAX_NESTING_DEPTH + 1))))).toBe(true);
  });
});

describe('gateRequests, in front of a real HTTP server', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    let gated: RequestHandler = () => undefined;
    server = createServer((request, response) => void gated(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // Echoes the body it was handed, to prove the gate passes it on unchanged.
    gated = gateRequests(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      response.setHeader('content-type', 'text/plain');
      response.end(`${request.method} ${request.url} ${Buffer.concat(chunks).toString('utf8')}`);
    }, new URL(`http://localhost:${port}`));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function send(options: { method?: string; host?: string; path?: string; contentType?: string; body?: string | Buffer; chunked?: boolean; action?: string }): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host: options.host ?? `localhost:${port}` };
      if (options.action) headers['next-action'] = options.action;
      if (options.body !== undefined && !options.chunked) headers['content-length'] = String(Buffer.byteLength(options.body));
      if (options.contentType) headers['content-type'] = options.contentType;
      const request = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/users', headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
      });
      request.on('error', reject);
      if (options.body !== undefined) request.write(options.body);
      request.end();
    });
  }

  it('passes a request with and without a body through unchanged', async () => {
    expect(await send({ method: 'GET' })).toMatchObject({ status: 200, body: 'GET /users ' });
    const form = 'csrfToken=abc&email=a%40example.com&json=true';
    expect(await send({ body: form })).toMatchObject({ status: 200, body: `POST /users ${form}` });
    const action = JSON.stringify([{ email: 'a@example.com', roles: { environments: { production: 'viewer' } } }]);
    expect(await send({ body: action })).toMatchObject({ status: 200, body: `POST /users ${action}` });
    for (const method of SERVED_METHODS) expect((await send({ method })).status, method).toBe(200);
  });

  it('passes a well-formed multipart body and an encoded path through unchanged', async () => {
    const multipart = ['--xyz', 'Content-Disposition: form-data; name="theme"', '', 'dark', '--xyz--', ''].join('\r\n');
    expect(await send({ body: multipart, contentType: 'multipart/form-data; boundary=xyz' })).toMatchObject({ status: 200, body: `POST /users ${multipart}` });
    expect(await send({ method: 'GET', path: '/users/caf%C3%A9?q=%ff' })).toMatchObject({ status: 200, body: 'GET /users/caf%C3%A9?q=%ff ' });
  });

  // Next decoded each of these with a 500 and an error-level stack trace, for a stranger too.
  it('answers a server action call whose text body is not an argument list with 400', async () => {
    const action = '40f95fd9f96c7013f0dd971405c0603d35695d1369';
    const call = (body: string | undefined) => send({ action, body, contentType: 'text/plain;charset=UTF-8' });
    for (const body of ['not json', '{', '"x"', '{"email":"a@example.com"}', '["$Q1"]', '[{"email":"$"}]', '[{"a":["$1"]}]', '["$h2"]', '["$@1"]', '["$B1"]', '["$R1"]']) {
      const response = await call(body);
      expect(response.status, body).toBe(400);
      expect((JSON.parse(response.body) as { error: { code: string } }).error.code, body).toBe('invalid_input');
    }
    expect((await send({ action, method: 'POST' })).status, 'no body').toBe(400);
    // What encodeReply makes of ordinary arguments passes: text beginning with "$" is escaped "$$",
    // and undefined, dates, big integers, ±Infinity, NaN and temporary references are inline.
    for (const body of ['[]', '[{"email":"a@example.com","name":"$$5 off","role":"reviewer","projectIds":[]}]', '["$undefined","$D2026-12-07T00:00:00.000Z","$n12","$-Infinity","$Infinity","$NaN","$-0","$T","$K1"]', '[null,1,true]']) {
      expect((await call(body)).status, body).toBe(200);
    }
    // Not an action call: passed through as before.
    expect((await send({ body: 'not json', contentType: 'text/plain' })).status).toBe(200);
    expect((await send({ action, method: 'GET' })).status).toBe(200);
  });

  it('answers a multipart server action call whose parts do not decode with 400, and passes a form’s', async () => {
    const action = '40f95fd9f96c7013f0dd971405c0603d35695d1369';
    const multipart = (parts: Record<string, string>) =>
      send({
        action,
        contentType: 'multipart/form-data; boundary=xyz',
        body: [...Object.entries(parts).flatMap(([name, value]) => ['--xyz', `Content-Disposition: form-data; name="${name}"`, '', value]), '--xyz--', ''].join('\r\n'),
      });
    const refused: Record<string, string>[] = [{ '0': 'not json' }, { '0': '{"a":1}' }, { '0': '["$Q5"]' }, { '0': '["$1"]', '1': '{' }, { '_1_name': 'x' }, { '0': '["$1:a"]', '2': '{}' }];
    for (const parts of refused) {
      expect((await multipart(parts)).status, JSON.stringify(parts)).toBe(400);
    }
    // What a form's useActionState call sends: the state, then the form's entries under "_1_".
    expect((await multipart({ '0': '["$undefined","$K1"]', '_1_email': 'a@example.com', '_1_name': '$not a reference', '_1_$ACTION_KEY': 'k29' })).status).toBe(200);
    // Outlined values that are there: a Map in part 1, a plain reference to part 2.
    expect((await multipart({ '0': '["$Q1",{"x":"$2:a"}]', '1': '[["k","v"]]', '2': '{"a":"b"}' })).status).toBe(200);
  });

  // A form posted without JavaScript: React decoded each of these bound-action parts with a 500 and
  // an error-level stack trace (Next checks only that part 0 begins with a real action's id).
  it('answers a native form post whose bound action parts do not decode with 400, and passes a real form’s', async () => {
    const id = '60e7dbe2ad424570c55fbe7d1e85c4b170ad614f56';
    const descriptor = `{"id":"${id}","bound":"$@1"}`;
    const formPost = (fields: [string, string | Blob][], action?: string) => {
      const form = new FormData();
      for (const [name, value] of fields) form.append(name, value);
      const encoded = new Response(form);
      return encoded.arrayBuffer().then((body) => send({ action, body: Buffer.from(body), contentType: encoded.headers.get('content-type') ?? '' }));
    };
    const refused: Record<string, [string, string | Blob][]> = {
      'descriptor not JSON': [['$ACTION_REF_4', ''], ['$ACTION_4:0', `{"id":"${id}","bound":`], ['$ACTION_4:1', '[null]']],
      'descriptor with trailing text': [['$ACTION_REF_4', ''], ['$ACTION_4:0', `${descriptor}x`], ['$ACTION_4:1', '[null]']],
      'bound arguments missing': [['$ACTION_REF_4', ''], ['$ACTION_4:0', descriptor]],
      'bound arguments not JSON': [['$ACTION_REF_4', ''], ['$ACTION_4:0', descriptor], ['$ACTION_4:1', 'not json']],
      'bound arguments not a list': [['$ACTION_REF_4', ''], ['$ACTION_4:0', descriptor], ['$ACTION_4:1', '"$undefined"']],
      'bound arguments a file': [['$ACTION_REF_4', ''], ['$ACTION_4:0', descriptor], ['$ACTION_4:1', new Blob(['[null]'])]],
      'a bound argument refers to a missing part': [['$ACTION_REF_4', ''], ['$ACTION_4:0', descriptor], ['$ACTION_4:1', '["$Q2"]']],
      'an id that is not a string (the last of two keys wins)': [['$ACTION_REF_4', ''], ['$ACTION_4:0', `{"id":"${id}","bound":"$@1","id":5}`], ['$ACTION_4:1', '[null]']],
      'no bound arguments at all': [['$ACTION_REF_4', ''], ['$ACTION_4:0', `{"id":"${id}"}`]],
      'a descriptor that is a list': [['$ACTION_REF_4', ''], ['$ACTION_4:0', `["${id}"]`]],
      'no descriptor': [['$ACTION_REF_4', '']],
      'a second bound action that does not decode': [['$ACTION_REF_4', ''], ['$ACTION_4:0', descriptor], ['$ACTION_4:1', '[null]'], ['$ACTION_REF_7', ''], ['$ACTION_7:0', '{']],
    };
    for (const [label, fields] of Object.entries(refused)) {
      const response = await formPost(fields);
      expect(response.status, label).toBe(400);
      expect((JSON.parse(response.body) as { error: { code: string } }).error.code, label).toBe('invalid_input');
      for (const { key, value } of STATIC_SECURITY_HEADERS) expect(response.headers[key.toLowerCase()], `${label}: ${key}`).toBe(value);
    }
    // What a useActionState form renders: its fields, the descriptor, the state so far and the key.
    const realForm: [string, string][] = [
      ['currentPassword', '$not a reference'],
      ['$ACTION_REF_4', ''],
      ['$ACTION_4:0', descriptor],
      ['$ACTION_4:1', '[{"ok":false,"error":{"code":"invalid_input","message":"x"},"submitted":{"name":["$$5"]}}]'],
      ['$ACTION_KEY', 'k49a055488c0d956cc11a8c509fab1f91'],
    ];
    expect((await formPost(realForm)).status).toBe(200);
    expect((await formPost([['$ACTION_REF_4', ''], ['$ACTION_4:0', `{"id":"${id}","bound":null}`]])).status, 'no bound arguments').toBe(200);
    // A plain action (no bound arguments) and a multipart body that is not a form post of an action pass.
    expect((await formPost([['$ACTION_ID_408c7ee9bf418cd7bef0093ddac08cc7c6d43b5330', ''], ['theme', 'dark']])).status).toBe(200);
    expect((await formPost([['0', 'not json'], ['$ACTION_4:1', '{']])).status).toBe(200);
    // A fetch-style call's parts are its argument list: a file there is refused as well.
    expect((await formPost([['0', '["$1"]'], ['1', new Blob(['x'])]], id)).status).toBe(400);
  });

  // Next's proxy cannot build a request for TRACE: every probe was a 500 with a stack trace in the log.
  it('answers a method no route serves (TRACE, WebDAV’s) with 405 and Allow, before the app sees it', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'M-SEARCH']) {
      const response = await send({ method, path: '/sign-in' });
      expect(response.status, method).toBe(405);
      expect(response.headers.allow, method).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
      expect((JSON.parse(response.body) as { error: { code: string } }).error.code, method).toBe('invalid_input');
    }
  });

  it('answers 421, 413, 411 and 400 with the app’s error JSON', async () => {
    const cases = [
      [{ host: 'evil.example' }, 421],
      [{ body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x61) }, 413],
      [{ body: 'x', chunked: true }, 411],
      [{ body: '['.repeat(100_000) + ']'.repeat(100_000) }, 400],
      // Next answers these with a 500 (and a stack trace in the log) when they reach it.
      [{ method: 'GET', path: '/%ff' }, 400],
      [{ method: 'GET', path: '/api/v1/%E0%A4%A' }, 400],
      [{ body: 'garbage', contentType: 'multipart/form-data; boundary=xyz' }, 400],
      [{ body: 'garbage', contentType: 'multipart/form-data' }, 400],
      // Not a path: Next redirected the absolute form to its host (308) and threw on the asterisk.
      [{ method: 'GET', path: 'http://evil.example/' }, 400],
      [{ method: 'OPTIONS', path: '*' }, 400],
    ] as const;
    for (const [options, status] of cases) {
      const response = await send(options);
      expect(response.status).toBe(status);
      // The same security headers as every answer of the app (SECURITY.md A5), not a bare refusal.
      for (const { key, value } of STATIC_SECURITY_HEADERS) expect(response.headers[key.toLowerCase()], `${status}: ${key}`).toBe(value);
      expect(response.headers['content-security-policy'], `${status}: CSP`).toContain("frame-ancestors 'none'");
      const parsed = JSON.parse(response.body) as { error: { code: string; message: string } };
      expect(parsed.error.message.length).toBeGreaterThan(0);
      expect(response.body).not.toMatch(/\n\s+at /);
    }
    // And the server still answers.
    expect((await send({ method: 'GET' })).status).toBe(200);
  });
});

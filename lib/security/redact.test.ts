import { describe, expect, it } from 'vitest';
import { encodingsOf, REDACTED, redactText, redactValue } from './redact';

// Characters that every encoding treats differently: '+', '/', ' ', '&', '"', '\' and '='. Its UTF-8
// length (28) is not a multiple of 3, so its base64 form carries padding, and its base64 holds both
// '+'/'/' so that base64url differs from it.
const SECRET = 'kw?>tok_Ab3+/x y&z"q\\w=END~~';
const OTHER_SECRET = 'second-secret-0123456789abcdef';

// Computed here independently of encodingsOf(): the forms a secret takes on the way to a sink.
const bytes = Buffer.from(SECRET, 'utf8');
const FORMS: Record<string, string> = {
  raw: SECRET,
  'JSON-escaped': JSON.stringify(SECRET).slice(1, -1),
  'URL-encoded (encodeURIComponent)': encodeURIComponent(SECRET),
  'URL-encoded (form, + for space)': new URLSearchParams({ q: SECRET }).toString().slice('q='.length),
  'hex (lower case)': bytes.toString('hex'),
  'hex (upper case)': bytes.toString('hex').toUpperCase(),
  'base64 (padded)': bytes.toString('base64'),
  'base64 (unpadded)': bytes.toString('base64').replace(/=+$/, ''),
  base64url: bytes.toString('base64url'),
};

describe('the test forms', () => {
  it('are all different, so each case below exercises its own encoding', () => {
    expect(new Set(Object.values(FORMS)).size).toBe(Object.keys(FORMS).length);
    expect(FORMS['base64 (padded)']).toMatch(/=$/);
    expect(FORMS['base64 (padded)']).toMatch(/[+/]/);
  });
});

describe('redactText', () => {
  it.each(Object.entries(FORMS))('removes the %s form', (_name, form) => {
    const text = `upstream said: ${form} (request id 42)`;
    const redacted = redactText(text, [SECRET]);
    expect(redacted).toBe(`upstream said: ${REDACTED} (request id 42)`);
  });

  it('removes every occurrence of every secret', () => {
    const text = `${SECRET} and ${OTHER_SECRET}, again ${SECRET} and ${Buffer.from(OTHER_SECRET).toString('base64')}`;
    const redacted = redactText(text, [SECRET, OTHER_SECRET]);
    expect(redacted).toBe(`${REDACTED} and ${REDACTED}, again ${REDACTED} and ${REDACTED}`);
  });

  it('removes a secret embedded in a JSON body and in a query string', () => {
    const body = JSON.stringify({ name: 'env:PLATFORMSH_CLI_TOKEN', value: SECRET });
    const url = `https://api.example.com/variables?${new URLSearchParams({ value: SECRET }).toString()}`;
    expect(redactText(body, [SECRET])).toBe(JSON.stringify({ name: 'env:PLATFORMSH_CLI_TOKEN', value: REDACTED }));
    expect(redactText(url, [SECRET])).toBe(`https://api.example.com/variables?value=${REDACTED}`);
  });

  it('leaves text without a secret untouched', () => {
    const text = 'nothing to see here: 0123456789 abcdef';
    expect(redactText(text, [SECRET, OTHER_SECRET])).toBe(text);
  });

  it('does not redact secrets (or forms) too short to tell from ordinary words', () => {
    expect(encodingsOf('cat')).toEqual([]);
    expect(redactText('the cat sat on the mat', ['cat'])).toBe('the cat sat on the mat');
    expect(redactText('anything', [''])).toBe('anything');
  });

  it('tries longer forms first, so no fragment of a longer encoding is left behind', () => {
    const forms = encodingsOf(SECRET);
    expect(forms.length).toBeGreaterThanOrEqual(Object.keys(FORMS).length);
    expect([...forms].sort((a, b) => b.length - a.length)).toEqual(forms);
  });
});

describe('redactValue', () => {
  it('redacts strings at any depth, in any encoding, and keeps everything else', () => {
    const value = {
      status: 500,
      ok: false,
      missing: null,
      error: {
        message: `token ${SECRET} refused`,
        attempts: [{ url: `/x?t=${FORMS['URL-encoded (encodeURIComponent)']}` }, { dump: FORMS['hex (lower case)'] }],
      },
      list: ['plain', FORMS.base64url, 7],
    };
    expect(redactValue(value, [SECRET])).toEqual({
      status: 500,
      ok: false,
      missing: null,
      error: {
        message: `token ${REDACTED} refused`,
        attempts: [{ url: `/x?t=${REDACTED}` }, { dump: REDACTED }],
      },
      list: ['plain', REDACTED, 7],
    });
  });

  it('redacts a secret inside a string that holds an echoed JSON body', () => {
    // An upstream error that echoes the request: the secret is JSON-escaped inside a string value.
    const value = { upstream: { body: JSON.stringify({ value: SECRET }) } };
    const redacted = redactValue(value, [SECRET]);
    const serialised = JSON.stringify(redacted);
    for (const form of Object.values(FORMS)) expect(serialised).not.toContain(form);
    expect(redacted.upstream.body).toBe(JSON.stringify({ value: REDACTED }));
  });

  it('redacts a bare string', () => {
    expect(redactValue(`a ${SECRET} b`, [SECRET])).toBe(`a ${REDACTED} b`);
  });

  it('keeps the value intact whatever characters a secret holds', () => {
    // A secret that happens to look like JSON punctuation must not break the value apart.
    const value = { a: 'aaaaaaaa', b: 'bbbbbbbb' };
    expect(redactValue(value, ['aaaaaaaa","b":"bbbb'])).toEqual(value);
    expect(redactValue(value, ['aaaaaaaa"}'])).toEqual(value);
  });

  it('returns the value unchanged when there is no secret', () => {
    const value = { token: 'not registered as a secret' };
    expect(redactValue(value, [])).toEqual(value);
  });
});

describe('API keys', () => {
  // The shape of lib/api/key-format.ts: `kw_` + 46 base62 characters (not a real key of any server).
  const KEY = `kw_${'A1b2C3d4E5'.repeat(4)}xyZ012`;

  it('are redacted by their shape, without being registered', () => {
    expect(KEY).toHaveLength(49);
    expect(redactText(`Authorization: Bearer ${KEY} failed`, [])).toBe(`Authorization: Bearer kw_${REDACTED} failed`);
    expect(redactValue({ header: `Bearer ${KEY}`, nested: [KEY] }, [])).toEqual({ header: `Bearer kw_${REDACTED}`, nested: [`kw_${REDACTED}`] });
  });

  it('leaves shorter kw_ words alone', () => {
    expect(redactText('the kw_prefix and kw_12345', [])).toBe('the kw_prefix and kw_12345');
  });
});

// Field errors of a refused body name the schema's fields, never the caller's text: a record's key
// (where a token could be pasted) is masked unless it is a UUID, the ids such records are keyed by.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemResponse, safeFieldErrors } from './problem';

const schema = z.strictObject({
  confirm_name: z.string().max(5),
  bootstraps: z.record(z.uuid(), z.string().min(10)).optional(),
  roles: z.record(z.enum(['staging', 'development']), z.enum(['viewer', 'contributor'])).optional(),
  environments: z.array(z.string().regex(/^[a-z]+$/)).optional(),
});

const errorsOf = (value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a refusal');
  return safeFieldErrors('body', parsed.error.issues, schema);
};

describe('safeFieldErrors', () => {
  const pasted = 'pst_canary_4f1d2c9a8b7e6d5c4b3a';
  const machineUser = '8a0d12de-e9bc-4faa-a3fb-c1cac8a2f4d0';

  it('names declared fields and array indices as they are', () => {
    expect(Object.keys(errorsOf({ confirm_name: 'too long a name', environments: ['ok', 'Not OK'] })).sort()).toEqual(['confirm_name', 'environments.1']);
  });

  it('keeps a UUID key of a record, and masks any other key, in the key and the value’s error alike', () => {
    const errors = errorsOf({ confirm_name: 'x', bootstraps: { [machineUser]: 'short', [pasted]: 'a valid-length value', '        ': pasted } });
    expect(Object.keys(errors).sort()).toEqual([`bootstraps.${machineUser}`, 'bootstraps.*'].sort());
    expect(JSON.stringify(errors)).not.toContain(pasted);
    expect(JSON.stringify(errorsOf({ confirm_name: 'x', roles: { [pasted]: 'viewer' } }))).not.toContain(pasted);
    expect(JSON.stringify(errorsOf({ confirm_name: 'x', roles: { staging: pasted } }))).not.toContain(pasted);
  });

  it('reports an unknown field without its name', () => {
    expect(errorsOf({ confirm_name: 'x', [pasted]: 1 })).toEqual({ body: ['Unknown fields are not accepted.'] });
  });
});

describe('problemResponse', () => {
  it('names the Bearer scheme on a 401, as RFC 9110 requires of every 401, and on nothing else', () => {
    expect(problemResponse('unauthenticated', 'Send an API key.').headers.get('www-authenticate')).toBe('Bearer realm="keywarden"');
    expect(problemResponse('forbidden', 'No.').headers.get('www-authenticate')).toBeNull();
    expect(problemResponse('invalid_input', 'No.').headers.get('www-authenticate')).toBeNull();
  });
});

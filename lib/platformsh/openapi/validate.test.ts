import { describe, expect, it } from 'vitest';
import { toJsonSchema, validateAgainstOpenApi } from './validate';

const VALID_TOKEN = {
  id: '660aa36d-23cf-402b-8889-63af71967f2b',
  name: 'Token for CI',
  created_at: '2019-01-29T08:17:47Z',
  updated_at: '2019-01-29T08:17:47Z',
  last_used_at: null,
};

describe('validateAgainstOpenApi', () => {
  it('accepts a body that matches, including a nullable field set to null', () => {
    const result = validateAgainstOpenApi({ method: 'GET', path: '/users/me/api-tokens', status: 200, body: [VALID_TOKEN], kind: 'response' });
    expect(result).toMatchObject({ valid: true, checked: true, errors: [], operationPath: '/users/{user_id}/api-tokens' });
  });

  it('reports a wrong body with readable messages', () => {
    const result = validateAgainstOpenApi({ method: 'GET', path: '/users/abc/api-tokens', status: 200, body: [{ ...VALID_TOKEN, id: 'not-a-uuid', last_used_at: 42 }], kind: 'response' });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual(
      expect.arrayContaining([expect.stringContaining('/0/id must match format "uuid"'), expect.stringContaining('/0/last_used_at must be string')]),
    );
  });

  it('checks request bodies (permissions enum, required members)', () => {
    const wrong = validateAgainstOpenApi({ method: 'POST', path: '/projects/p1/user-access', body: [{ user_id: 'u', permissions: ['owner'] }], kind: 'request' });
    expect(wrong.valid).toBe(false);
    expect(wrong.errors.join()).toContain('/0/permissions/0 must be equal to one of the allowed values');
    const missing = validateAgainstOpenApi({ method: 'POST', path: '/projects/p1/environments/main/variables', body: { name: 'env:A' }, kind: 'request' });
    expect(missing.errors.join()).toContain("must have required property 'value'");
  });

  it('prefers literal paths over templates and uses `default` for legacy 2xx responses', () => {
    expect(validateAgainstOpenApi({ method: 'GET', path: '/users/me', status: 200, body: {}, kind: 'response' }).operationPath).toBe('/users/me');
    const project = validateAgainstOpenApi({ method: 'GET', path: '/projects/abc', status: 200, body: { id: 'abc' }, kind: 'response' });
    expect(project.valid).toBe(false);
    expect(project.notes.join()).toContain('`default`');
  });

  it('checks undeclared error statuses against the Error schema', () => {
    expect(validateAgainstOpenApi({ method: 'GET', path: '/projects/abc', status: 404, body: { error: 'Not found' }, kind: 'response' }).valid).toBe(true);
    expect(validateAgainstOpenApi({ method: 'GET', path: '/projects/abc', status: 500, body: { message: 'boom' }, kind: 'response' }).valid).toBe(false);
  });

  it('says so when the excerpt gives no schema, and rejects unknown paths', () => {
    const noContent = validateAgainstOpenApi({ method: 'DELETE', path: '/projects/p/user-access/u', status: 204, body: undefined, kind: 'response' });
    expect(noContent).toMatchObject({ valid: true, checked: false });
    expect(noContent.notes.join()).toContain('no schema');
    const unknown = validateAgainstOpenApi({ method: 'GET', path: '/nowhere', status: 200, body: {}, kind: 'response' });
    expect(unknown).toMatchObject({ valid: false, errors: [expect.stringContaining('no path in the excerpt matches')] });
  });

  it('tolerates HAL _embedded on AcceptedResponse only, and reports the allowance', () => {
    const accepted = validateAgainstOpenApi({ method: 'POST', path: '/projects/p/environments/main/variables', status: 201, body: { status: 'created', code: 201, _embedded: { activities: [] } }, kind: 'response' });
    expect(accepted.valid).toBe(true);
    expect(accepted.notes.join()).toContain('_embedded');
    const extra = validateAgainstOpenApi({ method: 'POST', path: '/projects/p/environments/main/variables', status: 201, body: { status: 'created', code: 201, extra: 1 }, kind: 'response' });
    expect(extra.errors.join()).toContain('must NOT have additional properties ("extra")');
  });

  it('turns OpenAPI nullable into a null-or-schema choice', () => {
    expect(toJsonSchema({ type: 'string', nullable: true })).toEqual({ anyOf: [{ type: 'null' }, { type: 'string' }] });
    expect(toJsonSchema({ properties: { nullable: { type: 'boolean' } } })).toEqual({ properties: { nullable: { type: 'boolean' } } });
  });
});

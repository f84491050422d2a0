import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT } from '@/lib/testing/openapi';
import { OPERATIONS } from './operations';

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(OPENAPI_DOCUMENT.openapi).toBe('3.1.0');
  });

  it('describes every operation, with problem+json for its refusals and 401/429 for all', () => {
    const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, { operationId: string; responses: Record<string, { content: Record<string, unknown> }> }>>;
    for (const endpoint of Object.values(OPERATIONS)) {
      const operation = paths[endpoint.path]?.[endpoint.method.toLowerCase()];
      expect(operation?.operationId, endpoint.operationId).toBe(endpoint.operationId);
      for (const status of ['401', '429', ...endpoint.errors.map(String)]) {
        expect(Object.keys(operation!.responses[status]!.content), `${endpoint.operationId} ${status}`).toEqual(['application/problem+json']);
      }
    }
  });

  it('rejects unknown query parameters and body fields (closed schemas)', () => {
    const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { additionalProperties?: unknown; $ref?: string } }> } }>>;
    const body = paths['/api/v1/api-keys']!.post!.requestBody!.content['application/json']!.schema;
    const schemas = (OPENAPI_DOCUMENT.components?.schemas ?? {}) as Record<string, { additionalProperties?: unknown }>;
    const resolved = body.$ref ? schemas[body.$ref.split('/').pop()!] : body;
    expect(resolved?.additionalProperties).toBe(false);
  });
});

// The schema → arbitrary mapping reaches past validation: for the path, query and body schema of
// every REST API operation, generated values are accepted by the schema itself (query values sent
// as the strings a URL carries). The fuzz test (lib/api/fuzz.int.test.ts) relies on it to test the
// handlers behind validation, not only the refusals.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OPERATIONS } from '@/lib/api/operations';
import { schemaArbitrary, zodArbitrary } from './arbitrary';

const asQuery = (value: unknown) => Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, item]) => [name, String(item)]));

describe('zodArbitrary', () => {
  const cases = Object.values(OPERATIONS).flatMap((endpoint) =>
    (['params', 'query', 'body'] as const).flatMap((part) => (endpoint[part] ? [{ name: `${endpoint.operationId} ${part}`, part, schema: endpoint[part] }] : [])),
  );

  it.each(cases)('generates values $name accepts', ({ part, schema }) => {
    const samples = fc.sample(zodArbitrary(schema), { numRuns: 200, seed: 1616 });
    const accepted = samples.filter((sample) => schema.safeParse(part === 'query' ? asQuery(sample) : sample).success).length;
    // Strings, enums, bounds and patterns are what the API's schemas check: nearly all pass. A
    // refinement JSON Schema cannot express may refuse some; none passing means the mapping is wrong.
    expect(accepted, `${accepted} of ${samples.length} accepted`).toBeGreaterThan(0);
  });

  it('honours formats, patterns, bounds, enums, unions and required keys', () => {
    const schema = z.strictObject({
      id: z.uuid(),
      day: z.iso.date(),
      at: z.iso.datetime(),
      email: z.email(),
      slug: z.string().regex(/^[a-z]{3,5}$/),
      count: z.int().min(2).max(4),
      kind: z.enum(['a', 'b']),
      either: z.union([z.literal(1), z.string().max(2)]),
      list: z.array(z.boolean()).max(2),
      maybe: z.string().optional(),
    });
    for (const sample of fc.sample(zodArbitrary(schema), { numRuns: 300, seed: 7 })) expect(schema.safeParse(sample).error).toBeUndefined();
    // Without required keys, an optional field is sometimes left out.
    const samples = fc.sample(zodArbitrary(schema), { numRuns: 100, seed: 8 }) as Record<string, unknown>[];
    expect(samples.some((sample) => !('maybe' in sample))).toBe(true);
    expect(() => schemaArbitrary({ $ref: '#/$defs/Missing' })).not.toThrow();
  });
});

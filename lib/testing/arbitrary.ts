// fast-check arbitraries derived from zod schemas, for fuzzing the REST API past its validation.
// zod 4 has no arbitrary of its own (zod-fast-check is for zod 3), so a schema is first turned into
// JSON Schema by zod itself (`z.toJSONSchema`, input side: what a client sends) and that is mapped
// to an arbitrary. It covers what the API's schemas use — objects (strict or not), strings with
// lengths, patterns and formats (uuid, date, date-time, email), numbers and integers with bounds,
// booleans, enums and constants, arrays, unions, null, $ref — and falls back to any JSON value for
// anything else. Refinements that JSON Schema cannot say (a superRefine, a transform's checks) are
// not honoured: a "valid-shaped" value is mostly, not always, accepted.
import fc from 'fast-check';
import { z } from 'zod';

export interface JsonSchema {
  type?: string | string[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

/** The JSON Schema of what a client sends for `schema` (the input side of transforms and pipes). */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

const MAX_ARRAY = 4;
const MIN_DAY = new Date('2000-01-01T00:00:00Z');
const MAX_DAY = new Date('2099-12-31T00:00:00Z');

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? Math.max(minLength, 40);
  const fits = (text: string) => text.length >= minLength && text.length <= maxLength;
  switch (schema.format) {
    case 'uuid':
      return fc.uuid({ version: 4 });
    case 'date':
      return fc.date({ min: MIN_DAY, max: MAX_DAY, noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: MIN_DAY, max: MAX_DAY, noInvalidDate: true }).map((date) => date.toISOString());
    case 'email':
      // zod's email pattern is stricter than RFC 5322 (fast-check's emailAddress): follow the pattern.
      if (!schema.pattern) return fc.emailAddress().filter(fits);
  }
  if (schema.pattern) return patternArbitrary(schema.pattern, minLength, maxLength, fits);
  const unit = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789 -_.') }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) });
  // A grapheme may be several UTF-16 units, and zod counts units.
  return fc.string({ minLength, maxLength, unit }).filter(fits);
}

/** `^[class]+$`, `^[class]*$`, `^[class]{m,n}$`: one character class, repeated. */
const CLASS_REPEAT = /^\^(\[(?:\\.|[^\]\\])+\])(\+|\*|\{(\d+)(?:(,)(\d*))?\})\$$/;

/**
 * Strings matching `pattern` within the schema's lengths. fc.stringMatching draws short strings
 * (a `+` rarely repeats more than ten times), so filtering its output by a minLength above that
 * never ends — it spun a worker forever on `^[\x21-\x7e]+$` with minLength 16. A repeated character
 * class is therefore drawn as a string of that class at the right length; any other pattern is
 * filtered, after a check that the filter can be satisfied at all (an error, not a hang).
 */
function patternArbitrary(source: string, minLength: number, maxLength: number, fits: (text: string) => boolean): fc.Arbitrary<string> {
  const repeat = CLASS_REPEAT.exec(source);
  if (repeat) {
    const [, characterClass, quantifier, low, comma, high] = repeat;
    const [repeatMin, repeatMax] = quantifier === '+' ? [1, Infinity] : quantifier === '*' ? [0, Infinity] : [Number(low), comma === undefined ? Number(low) : high ? Number(high) : Infinity];
    const min = Math.max(minLength, repeatMin);
    const max = Math.min(maxLength, repeatMax, min + 40);
    const unit = fc.stringMatching(new RegExp(`^${characterClass}$`));
    return fc.string({ unit, minLength: min, maxLength: Math.max(min, max) }).filter(fits);
  }
  const matching = fc.stringMatching(new RegExp(source));
  if (!fc.sample(matching, { numRuns: 50, seed: 1 }).some(fits)) {
    throw new Error(`No generator for strings of /${source}/ with ${minLength}–${maxLength} characters: teach lib/testing/arbitrary.ts this pattern.`);
  }
  return matching.filter(fits);
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : -1_000_000);
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : 1_000_000);
  if (integer) return fc.integer({ min: Math.ceil(Math.max(low, Number.MIN_SAFE_INTEGER)), max: Math.floor(Math.min(high, Number.MAX_SAFE_INTEGER)) });
  return fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true });
}

function objectArbitrary(schema: JsonSchema, root: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) model[name] = schemaArbitrary(property, root);
  const known = fc.record(model, { requiredKeys: [...required].filter((name) => name in model) });
  if (schema.additionalProperties === undefined || schema.additionalProperties === false || Object.keys(properties).length > 0) return known as fc.Arbitrary<Record<string, unknown>>;
  const values = schema.additionalProperties === true ? fc.jsonValue({ maxDepth: 2 }) : schemaArbitrary(schema.additionalProperties, root);
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), values, { maxKeys: MAX_ARRAY });
}

function resolve(ref: string, root: JsonSchema): JsonSchema {
  const name = ref.split('/').pop() ?? '';
  const found = root.$defs?.[name] ?? root.definitions?.[name];
  if (!found) throw new Error(`Unresolvable $ref ${ref}`);
  return found;
}

/** The definitions being resolved (schemaArbitrary is synchronous): a recursive one stays lazy. */
const resolving = new Set<JsonSchema>();

/** An arbitrary of values `schema` accepts (as far as JSON Schema can tell). */
export function schemaArbitrary(schema: JsonSchema, root: JsonSchema = schema): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    // Resolved now, so that the arbitrary is built once (a chain rebuilt it for every value drawn,
    // and shrinks poorly); lazily only for a recursive or unknown definition.
    const name = schema.$ref.split('/').pop() ?? '';
    const target = root.$defs?.[name] ?? root.definitions?.[name];
    if (!target || resolving.has(target)) return fc.constant(null).chain(() => schemaArbitrary(resolve(schema.$ref!, root), root));
    resolving.add(target);
    try {
      return schemaArbitrary(target, root);
    } finally {
      resolving.delete(target);
    }
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((member) => schemaArbitrary(member, root)));
  if (schema.allOf?.length) return schemaArbitrary(schema.allOf[0]!, root);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => schemaArbitrary({ ...schema, type }, root)));
  switch (types[0]) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (schema.prefixItems) return fc.tuple(...schema.prefixItems.map((item) => schemaArbitrary(item, root)));
      const minLength = schema.minItems ?? 0;
      return fc.array(schema.items ? schemaArbitrary(schema.items, root) : fc.jsonValue({ maxDepth: 1 }), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? MAX_ARRAY, MAX_ARRAY)) });
    }
    case 'object':
      return objectArbitrary(schema, root);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Valid-shaped values of a zod schema (see the header for what "valid-shaped" leaves out). */
export function zodArbitrary(schema: z.ZodType): fc.Arbitrary<unknown> {
  return schemaArbitrary(inputJsonSchema(schema));
}

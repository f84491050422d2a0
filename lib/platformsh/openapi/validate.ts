// Validates requests and responses against the Platform.sh OpenAPI excerpt (CONTRACT.md: "Use the
// excerpt to validate requests and responses in tests"). The excerpt is OpenAPI 3.0.1, so its
// schemas are translated to JSON Schema first: `nullable: true` becomes "null or the schema", and
// `$ref`s into `components` are resolved by Ajv against one registered document.
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type JsonObject = { [key: string]: unknown };

interface OpenApiMediaType {
  schema?: JsonObject;
}
interface OpenApiResponse {
  $ref?: string;
  content?: Record<string, OpenApiMediaType>;
}
interface OpenApiOperation {
  requestBody?: { content?: Record<string, OpenApiMediaType> };
  responses?: Record<string, OpenApiResponse>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonObject>; responses?: Record<string, OpenApiResponse> };
}

export interface OpenApiCheck {
  method: string;
  /** The request path, with or without a query string, e.g. `/projects/abc/variables/env%3AFOO`. */
  path: string;
  /** The response status; ignored for requests. */
  status?: number;
  body: unknown;
  kind: 'request' | 'response';
}

export interface OpenApiValidationResult {
  valid: boolean;
  /** Readable messages, one per violation: `response 200 GET /users/me: /email must match format "email"`. */
  errors: string[];
  /** False when the excerpt gives no schema for this body (e.g. a 204, or a status it does not declare). */
  checked: boolean;
  /** Why a body was skipped, or which allowance was applied. */
  notes: string[];
  /** The templated path that matched, e.g. `/projects/{projectId}`. */
  operationPath?: string;
}

const SCHEMA_DOCUMENT_ID = 'platformsh-openapi-excerpt';
const JSON_MEDIA_TYPES = ['application/json', 'application/problem+json', 'application/hal+json'];

function loadDocument(): OpenApiDocument {
  const text = readFileSync(new URL('./openapi-excerpt.json', import.meta.url), 'utf8');
  return JSON.parse(text) as OpenApiDocument;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAPI 3.0 → JSON Schema: `nullable`, and `$ref`s pointed at the registered document. */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const converted: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
      converted.$ref = `${SCHEMA_DOCUMENT_ID}${value}`;
      continue;
    }
    // `properties` maps names to schemas: convert the schemas, keep the names (which may be "nullable").
    if ((key === 'properties' || key === 'patternProperties') && isObject(value)) {
      converted[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema)]));
      continue;
    }
    converted[key] = toJsonSchema(value);
  }
  if (node.nullable === true) {
    // anyOf rather than `type: [t, 'null']`: it also covers `$ref` and `allOf` siblings and enums.
    return { anyOf: [{ type: 'null' }, converted] };
  }
  return converted;
}

interface CompiledOperation {
  templatedPath: string;
  pattern: RegExp;
  literalSegments: number;
  methods: Record<string, OpenApiOperation>;
}

class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly document: OpenApiDocument;
  private readonly operations: CompiledOperation[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.document = document;
    // strict: false because the excerpt carries vendor keywords (x-isDateTime, deprecated titles…).
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // Crockford base32, 26 characters (organisation ids).
    this.ajv.addFormat('ulid', /^[0-9A-HJKMNP-TV-Z]{26}$/i);
    this.ajv.addSchema({ $id: SCHEMA_DOCUMENT_ID, components: toJsonSchema(document.components) });
    this.operations = Object.entries(document.paths)
      .map(([templatedPath, methods]) => {
        const segments = templatedPath.split('/').filter(Boolean);
        const source = segments.map((segment) => (segment.startsWith('{') ? '[^/]+' : escapeRegExp(segment))).join('/');
        return {
          templatedPath,
          pattern: new RegExp(`^/${source}/?$`),
          literalSegments: segments.filter((segment) => !segment.startsWith('{')).length,
          methods,
        };
      })
      // `/users/me` must win over `/users/{user_id}`: most literal segments first.
      .sort((a, b) => b.literalSegments - a.literalSegments);
  }

  validate(check: OpenApiCheck): OpenApiValidationResult {
    const method = check.method.toLowerCase();
    const pathOnly = check.path.split('?')[0] ?? check.path;
    const label = `${check.kind}${check.kind === 'response' ? ` ${check.status ?? '?'}` : ''} ${check.method.toUpperCase()} ${pathOnly}`;
    const candidates = this.operations.filter((operation) => operation.pattern.test(pathOnly));
    const match = candidates.find((operation) => operation.methods[method]);
    if (!match) {
      const reason = candidates.length > 0 ? 'method not declared for this path' : 'no path in the excerpt matches';
      return { valid: false, checked: false, errors: [`${label}: ${reason}`], notes: [] };
    }
    const operation = match.methods[method] as OpenApiOperation;
    const notes: string[] = [];
    const found = check.kind === 'request' ? this.requestSchema(operation) : this.responseSchema(operation, check.status ?? 0, notes);
    if (!found) {
      if (check.kind === 'request' && check.body !== undefined && check.body !== null && check.body !== '') {
        return { valid: false, checked: false, errors: [`${label}: a body was sent but the operation declares none`], notes, operationPath: match.templatedPath };
      }
      notes.push(`${label}: the excerpt gives no schema for this body; not checked`);
      return { valid: true, checked: false, errors: [], notes, operationPath: match.templatedPath };
    }
    let body = check.body;
    // Allowance: the contract documents that a variable change "carries the activities in
    // `_embedded`", but the generated AcceptedResponse says additionalProperties: false. The HAL
    // `_embedded` member is removed before validation and the allowance is reported.
    if (found.ref === 'AcceptedResponse' && isObject(body) && '_embedded' in body) {
      const { _embedded: _ignored, ...rest } = body;
      body = rest;
      notes.push('HAL `_embedded` on AcceptedResponse ignored (documented in CONTRACT.md, absent from the excerpt)');
    }
    const validateBody = this.compile(found.schema);
    const valid = validateBody(body) as boolean;
    const errors = valid ? [] : formatErrors(label, validateBody.errors ?? []);
    return { valid, checked: true, errors, notes, operationPath: match.templatedPath };
  }

  private requestSchema(operation: OpenApiOperation): { schema: unknown; ref?: string } | undefined {
    return pickJsonSchema(operation.requestBody?.content);
  }

  private responseSchema(operation: OpenApiOperation, status: number, notes: string[]): { schema: unknown; ref?: string } | undefined {
    const responses = operation.responses ?? {};
    const isSuccess = status >= 200 && status < 300;
    let declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    if (!declared && isSuccess && responses.default) {
      // Legacy endpoints declare only `default`: it describes the success body.
      declared = responses.default;
      notes.push(`status ${status} not declared; validated against the \`default\` response`);
    }
    if (!declared && !isSuccess) {
      notes.push(`status ${status} not declared; validated against the Error schema`);
      return { schema: { $ref: `${SCHEMA_DOCUMENT_ID}#/components/schemas/Error` }, ref: 'Error' };
    }
    if (!declared) return undefined;
    const resolved = declared.$ref ? this.resolveResponseRef(declared.$ref) : declared;
    return pickJsonSchema(resolved?.content);
  }

  private resolveResponseRef(ref: string): OpenApiResponse | undefined {
    const name = ref.split('/').pop() ?? '';
    return this.document.components.responses?.[name];
  }

  private compile(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validateBody = this.compiled.get(key);
    if (!validateBody) {
      validateBody = this.ajv.compile(toJsonSchema(schema) as JsonObject);
      this.compiled.set(key, validateBody);
    }
    return validateBody;
  }
}

function pickJsonSchema(content: Record<string, OpenApiMediaType> | undefined): { schema: unknown; ref?: string } | undefined {
  if (!content) return undefined;
  const mediaType = JSON_MEDIA_TYPES.find((type) => content[type]?.schema) ?? Object.keys(content).find((type) => content[type]?.schema);
  const schema = mediaType ? content[mediaType]?.schema : undefined;
  if (!schema) return undefined;
  const ref = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
  return { schema, ref };
}

function formatErrors(label: string, errors: ErrorObject[]): string[] {
  // anyOf branches produced by `nullable` add a "must be null" error per failure: keep the useful one.
  const useful = errors.filter((error) => !(error.keyword === 'type' && error.params.type === 'null') && error.keyword !== 'anyOf');
  return (useful.length > 0 ? useful : errors).map((error) => {
    const where = error.instancePath || '(body)';
    const detail = error.keyword === 'additionalProperties' ? `${error.message} ("${String(error.params.additionalProperty)}")` : error.message;
    return `${label}: ${where} ${detail ?? 'is invalid'}`;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let sharedValidator: OpenApiValidator | undefined;

/**
 * Checks one request or response body against the excerpt. Returns `valid: false` with readable
 * errors when the body breaks the schema, and `checked: false` (with a note) when the excerpt
 * gives no schema to check against.
 */
export function validateAgainstOpenApi(check: OpenApiCheck): OpenApiValidationResult {
  sharedValidator ??= new OpenApiValidator(loadDocument());
  return sharedValidator.validate(check);
}

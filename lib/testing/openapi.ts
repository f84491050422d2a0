// Checking answers of the REST API against its OpenAPI document: each response body is validated
// with ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) against the schema the document gives
// for that path, method, status and media type.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '@/lib/api/openapi';

export const OPENAPI_DOCUMENT = buildOpenApiDocument('test');

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(OPENAPI_DOCUMENT as object, 'openapi.json');

const pointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');

/** The document's path template matching a concrete path (`/api/v1/projects/abc` → `/api/v1/projects/{projectId}`). */
export function templateOf(path: string): string {
  // A static segment wins over a parameter (`/projects/sync` is not the project "sync"), as in the router.
  const templates = Object.keys(OPENAPI_DOCUMENT.paths ?? {}).sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  for (const template of templates) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(path)) return template;
  }
  throw new Error(`No path of the OpenAPI document matches ${path}`);
}

/** Throws (with ajv's errors) unless `body` is what the document promises for this answer. */
export function expectMatchesDocument(method: string, path: string, status: number, contentType: string, body: unknown): void {
  const template = templateOf(path);
  const operation = (OPENAPI_DOCUMENT.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>)[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`The document has no ${method} ${template}`);
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`The document does not list status ${status} for ${method} ${template}`);
  const mediaType = contentType.split(';')[0]!.trim();
  if (!response.content?.[mediaType]) throw new Error(`The document lists no ${mediaType} answer for ${status} of ${method} ${template}`);
  const ref = `openapi.json#/paths/${pointer(template)}/${method.toLowerCase()}/responses/${status}/content/${pointer(mediaType)}/schema`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  if (!validate(body)) throw new Error(`${method} ${path} → ${status}: the body does not match the document: ${ajv.errorsText(validate.errors)}`);
}

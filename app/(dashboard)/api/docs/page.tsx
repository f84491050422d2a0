// /api/docs — the REST API reference, rendered on the server from the OpenAPI document (the same
// one /api/v1/openapi.json serves). Not Scalar's interactive page: it loads its script and styles
// from a CDN and runs inline script, which the app's nonce-based CSP (script-src 'self' 'nonce-…'
// 'strict-dynamic', connect-src 'self') forbids, and Keywarden is meant to run offline. The
// reference reads without script; each read operation has a small "Try it" form (a client
// component of the app's own bundle, calling the API on the same origin with the session).
import type { Metadata } from 'next';
import { TryIt, type TryItParameter } from '@/components/api-docs/try-it';
import { PageHeader } from '@/components/ui/page-header';
import { getOpenApiDocument } from '@/lib/api/document';
import { API_ERROR_CODES, statusOf } from '@/lib/api/problem';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'API reference' };

interface JsonSchema {
  type?: string | string[];
  $ref?: string;
  enum?: unknown[];
  format?: string;
  description?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  security?: Record<string, string[]>[];
}

const METHOD_TONES: Record<string, string> = {
  get: 'bg-sky-100 text-sky-900',
  post: 'bg-emerald-100 text-emerald-900',
  delete: 'bg-red-100 text-red-900',
};

/** A schema in a few words: `string (uuid)`, `ProjectList`, `active | expired | revoked`. */
function describe(schema: JsonSchema | undefined): string {
  if (!schema) return '—';
  if (schema.$ref) return schema.$ref.split('/').pop() ?? schema.$ref;
  if (schema.enum) return schema.enum.map(String).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(describe).join(' or ');
  if (schema.type === 'array') return `array of ${describe(schema.items)}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  const limits = [schema.format, schema.minimum !== undefined ? `≥ ${schema.minimum}` : null, schema.maximum !== undefined ? `≤ ${schema.maximum}` : null, schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : null]
    .filter(Boolean)
    .join(', ');
  return limits ? `${type} (${limits})` : type;
}

const cell = 'px-3 py-2 align-top text-sm text-slate-800';

function FieldTable({ label, rows }: { label: string; rows: { name: string; where?: string; required: boolean; schema?: JsonSchema; description?: string }[] }) {
  if (rows.length === 0) return null;
  return (
    <div role="region" aria-label={label} tabIndex={0} className="mt-2 overflow-x-auto rounded-md border border-slate-200 [contain:inline-size]">
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">{label}</caption>
        <thead className="bg-slate-50">
          <tr>
            {['Name', 'In', 'Type', 'Required', 'Description'].map((heading) => (
              <th key={heading} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-700">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {rows.map((row) => (
            <tr key={`${row.where}-${row.name}`}>
              <td className={`${cell} font-mono`}>{row.name}</td>
              <td className={cell}>{row.where ?? 'body'}</td>
              <td className={`${cell} font-mono`}>{describe(row.schema)}</td>
              <td className={cell}>{row.required ? 'yes' : 'no'}</td>
              <td className={cell}>{row.description ?? row.schema?.description ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default async function ApiDocsPage() {
  await requirePageContext();
  const document = getOpenApiDocument();
  const schemas = (document.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const resolve = (schema: JsonSchema): JsonSchema => (schema.$ref ? (schemas[schema.$ref.split('/').pop() ?? ''] ?? schema) : schema);
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ path, method, operation })),
  );
  const tags = [...new Set(operations.map(({ operation }) => operation.tags?.[0] ?? 'Other'))];
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            Keywarden REST API {document.info.version}. The machine-readable document is at{' '}
            <a href="/api/v1/openapi.json" className="font-medium underline">
              /api/v1/openapi.json
            </a>{' '}
            (OpenAPI 3.1); import it into any client.
          </>
        }
      />
      <section aria-labelledby="auth" className="mb-6 space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-800">
        <h2 id="auth" className="text-base font-semibold text-slate-900">
          Authentication, errors and pagination
        </h2>
        <p>
          Send a dashboard API key (Settings → API keys) as <code className="font-mono">Authorization: Bearer kw_…</code>, or call from a signed-in browser (changes only from
          Keywarden’s own origin). Failed key attempts are limited per client address; past the limit, for 15 minutes, every call from it that carries no valid key is answered 429 (a valid key still goes through).
        </p>
        <p>
          Lists take <code className="font-mono">limit</code> (1–100) and <code className="font-mono">cursor</code> (the previous page’s <code className="font-mono">next_cursor</code>). The
          audit log pages by <code className="font-mono">since</code> (the last <code className="font-mono">seq</code> read).
        </p>
        <p id="errors">
          Errors are <code className="font-mono">application/problem+json</code> (RFC 9457) with a stable <code className="font-mono">code</code>:{' '}
          {API_ERROR_CODES.map((code, index) => (
            <span key={code}>
              {index > 0 ? ', ' : ''}
              <code className="font-mono">{code}</code> ({statusOf(code)})
            </span>
          ))}
          .
        </p>
      </section>
      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="mb-6">
          <h2 id={`tag-${tag}`} className="mb-3 text-lg font-semibold text-slate-900">
            {tag}
          </h2>
          <div className="space-y-4">
            {operations
              .filter(({ operation }) => (operation.tags?.[0] ?? 'Other') === tag)
              .map(({ path, method, operation }) => {
                const body = operation.requestBody?.content['application/json']?.schema;
                const bodySchema = body ? resolve(body) : undefined;
                const parameters = (operation.parameters ?? []).map((parameter) => ({ name: parameter.name, where: parameter.in, required: Boolean(parameter.required), schema: parameter.schema, description: parameter.description }));
                const bodyFields = Object.entries(bodySchema?.properties ?? {}).map(([name, schema]) => ({ name, required: bodySchema?.required?.includes(name) ?? false, schema }));
                const sessionOnly = operation.security?.length === 1 && 'session' in (operation.security[0] ?? {});
                const tryParameters: TryItParameter[] = (operation.parameters ?? [])
                  .filter((parameter) => parameter.in === 'path' || parameter.in === 'query')
                  .map((parameter) => ({
                    name: parameter.name,
                    where: parameter.in as 'path' | 'query',
                    required: Boolean(parameter.required),
                    choices: parameter.schema?.enum?.map(String),
                    hint: parameter.description ?? parameter.schema?.description,
                  }));
                return (
                  <article key={`${method} ${path}`} id={operation.operationId} aria-labelledby={`op-${operation.operationId}`} className="rounded-lg border border-slate-200 bg-white p-4">
                    <h3 id={`op-${operation.operationId}`} className="flex flex-wrap items-baseline gap-2 text-base font-semibold text-slate-900">
                      <span className={`rounded px-2 py-0.5 font-mono text-xs ${METHOD_TONES[method] ?? 'bg-slate-100 text-slate-900'}`}>{method.toUpperCase()}</span>
                      <code className="font-mono text-sm break-all">{path}</code>
                      <span>— {operation.summary}</span>
                    </h3>
                    {operation.description ? <p className="mt-2 text-sm text-slate-800">{operation.description}</p> : null}
                    {sessionOnly ? <p className="mt-1 text-sm text-slate-800">Signed-in session only (not with an API key).</p> : null}
                    <FieldTable label={`Parameters of ${operation.operationId}`} rows={[...parameters, ...bodyFields]} />
                    <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                      {Object.entries(operation.responses).map(([status, response]) => (
                        <div key={status} className="contents">
                          <dt className="font-mono text-slate-900">{status}</dt>
                          <dd className="text-slate-800">
                            {response.description}
                            {response.content
                              ? ` — ${Object.entries(response.content)
                                  .map(([type, media]) => `${type}: ${describe(media.schema)}`)
                                  .join('; ')}`
                              : ''}
                          </dd>
                        </div>
                      ))}
                    </dl>
                    {method === 'get' ? <TryIt operationId={operation.operationId} path={path} parameters={tryParameters} /> : null}
                  </article>
                );
              })}
          </div>
        </section>
      ))}
    </>
  );
}

// GET /api/v1/openapi.json — the OpenAPI 3.1 document, generated from the handlers' zod schemas
// (lib/api/openapi.ts). Public like any API description: it holds no data, only the contract.
import { getOpenApiDocument } from '@/lib/api/document';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json(getOpenApiDocument(), { headers: { 'Cache-Control': 'no-store' } });
}

// The document, built once per process (it depends on nothing but the code and the version).
import 'server-only';
import { getConfig } from '@/lib/config';
import { buildOpenApiDocument } from './openapi';

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

export function getOpenApiDocument() {
  cached ??= buildOpenApiDocument(getConfig().version);
  return cached;
}

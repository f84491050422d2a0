// Every path of REST API v1 answers every method: the path's operations through their handlers, and
// a method the path does not have with a 405 problem naming the ones it does (`Allow`), not Next.js's
// empty 405. The route files are found on disk and matched to the OpenAPI paths of OPERATIONS, so a
// route added later is checked as it lands.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from './operations';
import { PROBLEM_CONTENT_TYPE } from './problem';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const API_ROOT = path.join(process.cwd(), 'app/api/v1');

/** `/api/v1/projects/{projectId}` → `app/api/v1/projects/[projectId]/route.ts`. */
function routeFileOf(apiPath: string): string {
  const segments = apiPath.replace(/^\/api\/v1\/?/, '').split('/').filter(Boolean).map((segment) => segment.replace(/^\{(.+)\}$/, '[$1]'));
  return path.join(API_ROOT, ...segments, 'route.ts');
}

const methodsByPath = new Map<string, Set<string>>();
for (const endpoint of Object.values(OPERATIONS)) {
  const methods = methodsByPath.get(endpoint.path) ?? new Set<string>();
  methods.add(endpoint.method);
  methodsByPath.set(endpoint.path, methods);
}

describe('REST API v1 route files', () => {
  it('every operation path has its route file', () => {
    for (const apiPath of methodsByPath.keys()) expect(fs.existsSync(routeFileOf(apiPath)), apiPath).toBe(true);
  });

  for (const [apiPath, methods] of methodsByPath) {
    it(`${apiPath} refuses the methods it does not have with a 405 problem`, async () => {
      const route = (await import(/* @vite-ignore */ routeFileOf(apiPath))) as Partial<Record<(typeof METHODS)[number], (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>>>;
      const allowed = [...methods].sort();
      for (const method of METHODS) {
        expect(route[method], `${method} ${apiPath} is exported`).toBeTypeOf('function');
        if (methods.has(method)) continue;
        const response = await route[method]!(new Request(`http://keywarden.test${apiPath}`, { method }), { params: Promise.resolve({}) });
        expect(response.status, `${method} ${apiPath}`).toBe(405);
        expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
        expect(response.headers.get('allow')?.split(', ').sort()).toEqual(allowed);
        expect(await response.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });
      }
    });
  }
});

// REST API v1: the caller's API keys; POST creates one (session only) (lib/api/operations.ts).
import { routeHandler } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const GET = routeHandler(OPERATIONS.listApiKeys!);
export const POST = routeHandler(OPERATIONS.createApiKey!);

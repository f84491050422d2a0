// REST API v1: one API key; DELETE revokes it (lib/api/operations.ts).
import { routeHandler } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const GET = routeHandler(OPERATIONS.getApiKey!);
export const DELETE = routeHandler(OPERATIONS.revokeApiKey!);

// REST API v1: one API key; DELETE revokes it (lib/api/operations.ts).
import { routeHandlers } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE } = routeHandlers(OPERATIONS.getApiKey!, OPERATIONS.revokeApiKey!);

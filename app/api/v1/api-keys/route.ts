// REST API v1: the caller's API keys; POST creates one (session only) (lib/api/operations.ts).
import { routeHandlers } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE } = routeHandlers(OPERATIONS.listApiKeys!, OPERATIONS.createApiKey!);

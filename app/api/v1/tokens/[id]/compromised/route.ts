// REST API v1: mark a token compromised (dry run: the plan) (lib/api/write-operations.ts).
import { routeHandlers } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE } = routeHandlers(OPERATIONS.markTokenCompromised!);

// REST API v1: look a leaked token up (lib/api/write-operations.ts).
import { routeHandler } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const POST = routeHandler(OPERATIONS.lookupToken!);

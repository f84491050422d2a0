// REST API v1: sandbox mode only: accept the machine user’s invitation (lib/api/write-operations.ts).
import { routeHandlers } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE } = routeHandlers(OPERATIONS.acceptInvitationInSandbox!);

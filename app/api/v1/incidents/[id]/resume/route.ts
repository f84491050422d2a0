// REST API v1: resume an interrupted incident (202) (lib/api/incident-operations.ts).
import { routeHandlers } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE } = routeHandlers(OPERATIONS.resumeIncident!);

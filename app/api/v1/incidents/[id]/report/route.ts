// REST API v1: an incident’s report (lib/api/incident-operations.ts).
import { routeHandlers } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE } = routeHandlers(OPERATIONS.getIncidentReport!);

// REST API v1: the machine users list; POST invites one (lib/api/operations.ts, write-operations.ts).
import { routeHandlers } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE } = routeHandlers(OPERATIONS.listMachineUsers!, OPERATIONS.inviteMachineUser!);

// REST API v1: one machine user; PATCH changes its roles, DELETE offboards it (lib/api/operations.ts, write-operations.ts).
import { routeHandlers } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE } = routeHandlers(OPERATIONS.getMachineUser!, OPERATIONS.changeMachineUserRoles!, OPERATIONS.offboardMachineUser!);

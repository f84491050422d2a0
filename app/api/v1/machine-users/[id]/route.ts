// REST API v1: one machine user; PATCH changes its roles, DELETE offboards it (lib/api/operations.ts, write-operations.ts).
import { routeHandler } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const GET = routeHandler(OPERATIONS.getMachineUser!);
export const PATCH = routeHandler(OPERATIONS.changeMachineUserRoles!);
export const DELETE = routeHandler(OPERATIONS.offboardMachineUser!);

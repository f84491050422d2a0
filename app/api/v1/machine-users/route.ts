// REST API v1: the machine users list; POST invites one (lib/api/operations.ts, write-operations.ts).
import { routeHandler } from '@/lib/api/endpoint';
import { OPERATIONS } from '@/lib/api/operations';

export const dynamic = 'force-dynamic';

export const GET = routeHandler(OPERATIONS.listMachineUsers!);
export const POST = routeHandler(OPERATIONS.inviteMachineUser!);

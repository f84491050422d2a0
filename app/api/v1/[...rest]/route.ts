// Any other path under /api/v1: a problem, not the dashboard's HTML 404 page.
import { problemResponse } from '@/lib/api/problem';

export const dynamic = 'force-dynamic';

const notFound = async () => problemResponse('not_found', 'There is no such endpoint in this API (see /api/v1/openapi.json).');

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;

// GET /api/inventory/sync — the latest sync run and its progress, polled by the Projects page while
// a run is under way. Signed-in users only; an onboarder sees the failures of their projects only.
import { NextResponse } from 'next/server';
import { getRequestContext } from '@/lib/auth/session';
import { getLatestSyncRun } from '@/lib/domain/inventory/requests';
import { HTTP_STATUS } from '@/lib/errors';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<NextResponse> {
  const headers = { 'Cache-Control': 'no-store' };
  const context = await getRequestContext();
  if (!context) return NextResponse.json({ code: 'unauthenticated', message: 'Sign in first.' }, { status: 401, headers });
  const result = await getLatestSyncRun(context);
  if (!result.ok) return NextResponse.json(result.error, { status: HTTP_STATUS[result.error.code], headers });
  return NextResponse.json({ run: result.data }, { headers });
}

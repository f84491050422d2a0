// GET /api/machine-users/<id>/status — the machine user's state, asked of Platform.sh first while it
// can change (polled by its page while an invitation is pending). Signed-in readers only.
import { NextResponse } from 'next/server';
import { getRequestContext } from '@/lib/auth/session';
import { checkMachineUser } from '@/lib/domain/machine-users/tracking';
import { configuredVendor, getDashboardClient } from '@/lib/domain/platformsh-connection';
import { HTTP_STATUS } from '@/lib/errors';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ machineUserId: string }> }): Promise<NextResponse> {
  const headers = { 'Cache-Control': 'no-store' };
  const context = await getRequestContext();
  if (!context) return NextResponse.json({ code: 'unauthenticated', message: 'Sign in first.' }, { status: 401, headers });
  const client = getDashboardClient();
  if (!client) return NextResponse.json({ code: 'internal', message: `No connection to the ${configuredVendor().productName} API.` }, { status: 503, headers });
  const result = await checkMachineUser(context, (await params).machineUserId, client);
  if (!result.ok) return NextResponse.json(result.error, { status: HTTP_STATUS[result.error.code], headers });
  return NextResponse.json(result.data, { headers });
}

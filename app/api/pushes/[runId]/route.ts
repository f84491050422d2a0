// GET /api/pushes/<runId> — a push's steps, polled by the page while the push runs. Never a value.
import { NextResponse } from 'next/server';
import { getRequestContext } from '@/lib/auth/session';
import { getPushRun } from '@/lib/domain/tokens/queries';
import { HTTP_STATUS } from '@/lib/errors';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ runId: string }> }): Promise<NextResponse> {
  const headers = { 'Cache-Control': 'no-store' };
  const context = await getRequestContext();
  if (!context) return NextResponse.json({ code: 'unauthenticated', message: 'Sign in first.' }, { status: 401, headers });
  const result = await getPushRun(context, (await params).runId);
  if (!result.ok) return NextResponse.json(result.error, { status: HTTP_STATUS[result.error.code], headers });
  return NextResponse.json({ run: result.data }, { headers });
}

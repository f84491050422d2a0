// GET /api/health — for load balancers and operators: 200 when the database answers and every
// migration is applied, 503 otherwise. Public by design; it reveals kinds and states, no secrets.
import { NextResponse } from 'next/server';
import { checkHealth } from '@/lib/domain/health';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<NextResponse> {
  const report = await checkHealth();
  return NextResponse.json(report, {
    status: report.status === 'ok' ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' },
  });
}

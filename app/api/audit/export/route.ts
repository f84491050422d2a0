// GET /api/audit/export?format=csv|ndjson&<the Audit page's filters> — the matching audit rows,
// oldest first, streamed from the database in batches (lib/domain/audit-export.ts) as a download.
// Admins and reviewers (audit.export); every export is audited, and so is every refusal, with or
// without a session.
import { NextResponse } from 'next/server';
import { auditEveryRefusal } from '@/lib/audit/record';
import { currentClientAddress, getRequestContext } from '@/lib/auth/session';
import type { RequestContext } from '@/lib/domain/context';
import { exportAuditLog } from '@/lib/domain/audit-export';
import { fail, HTTP_STATUS } from '@/lib/errors';
import { firstValue } from '@/lib/utils';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const query: Record<string, string | undefined> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = firstValue(url.searchParams.getAll(key));
  let context: RequestContext | null = null;
  const result = await auditEveryRefusal(
    async () => ({ action: 'audit.export', actor: context?.actor ?? null, clientAddress: context?.clientAddress ?? (await currentClientAddress()) }),
    async () => {
      context = await getRequestContext();
      if (!context) return fail('unauthenticated', 'Sign in first.');
      return exportAuditLog(context, query);
    },
  );
  const headers = { 'Cache-Control': 'no-store' };
  if (!result.ok) return NextResponse.json(result.error, { status: HTTP_STATUS[result.error.code], headers });
  return new Response(result.data.body, {
    headers: {
      ...headers,
      'Content-Type': result.data.contentType,
      'Content-Disposition': `attachment; filename="${result.data.fileName}"`,
    },
  });
}

// GET /api/review/inventory/export?format=csv|json|ndjson&<the Inventory page's filters> — the
// current filter as a download, streamed from keyset batches (lib/domain/review/inventory.ts).
// Authorized and audited here and in the domain: no session → 401 (aggregated refusal, A6);
// a role without inventory.export → 403, audited.
import { NextResponse } from 'next/server';
import { currentClientAddress, getRequestContext } from '@/lib/auth/session';
import { openInventoryExport, refuseAnonymousInventoryExport } from '@/lib/domain/review/inventory';
import { EXPORT_CONTENT_TYPES, exportChunks, exportFileName, toReadableStream } from '@/lib/domain/review/inventory-export';
import { HTTP_STATUS } from '@/lib/errors';
import { firstValues } from '@/lib/utils';
import { inventoryExportFormatSchema } from '@/lib/validations/review-inventory';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const headers = { 'Cache-Control': 'no-store' };
  const context = await getRequestContext();
  if (!context) {
    await refuseAnonymousInventoryExport(await currentClientAddress());
    return NextResponse.json({ code: 'unauthenticated', message: 'Sign in first.' }, { status: 401, headers });
  }
  const url = new URL(request.url);
  const params = firstValues(Object.fromEntries(url.searchParams.entries()));
  const format = inventoryExportFormatSchema.safeParse(params.format ?? 'csv');
  if (!format.success) return NextResponse.json({ code: 'invalid_input', message: 'Choose csv, json or ndjson.' }, { status: 400, headers });
  const now = new Date();
  const result = await openInventoryExport(context, params, format.data, { now });
  if (!result.ok) return NextResponse.json(result.error, { status: HTTP_STATUS[result.error.code], headers });
  return new Response(toReadableStream(exportChunks(result.data.batches, format.data)), {
    headers: {
      ...headers,
      'Content-Type': EXPORT_CONTENT_TYPES[format.data],
      'Content-Disposition': `attachment; filename="${exportFileName(format.data, now)}"`,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

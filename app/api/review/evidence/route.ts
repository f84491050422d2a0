// POST /api/review/evidence — an evidence pack (a signed ZIP) for a campaign (`campaignId`) or a range
// of days (`from`, `to`, YYYY-MM-DD). Posted by a plain form (works without JavaScript; the browser
// saves the file) or as JSON. Admins and reviewers (evidence.export); generating one is audited; the
// ZIP is streamed as it is written. POST, not GET: a pack is work and an audit row, never a prefetch.
// A browser's form post that is refused ends on a page of the app, as a page would answer: signed
// out, on sign-in (back to the form's page after); without the role, on the form's page, whose own
// 403 explains (every page with an evidence form is one only the roles that may export can see).
// JSON callers get the JSON refusal. Every refusal is audited first, as before.
import { safeCallbackPath, signInPathFor } from '@/lib/auth/callback-url';
import { getRequestContext, currentClientAddress } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getEvidenceSigningKey } from '@/lib/config/evidence-key';
import { auditEvidenceRequestWithoutSession, startEvidencePack } from '@/lib/domain/evidence/pack';
import { HTTP_STATUS, type ErrorBody } from '@/lib/errors';
import { EVIDENCE_RANGE_FORM_PAGE, EVIDENCE_RANGE_PARAMS } from '@/lib/validations/reviews';

export const dynamic = 'force-dynamic';

async function readInput(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    const body: unknown = await request.json().catch(() => null);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  }
  const form = await request.formData().catch(() => null);
  const value = (name: string) => {
    const entry = form?.get(name);
    return typeof entry === 'string' && entry !== '' ? entry : undefined;
  };
  const campaignId = value('campaignId');
  return campaignId ? { campaignId } : { from: value('from'), to: value('to') };
}

function isJsonRequest(request: Request): boolean {
  return (request.headers.get('content-type') ?? '').includes('application/json') || (request.headers.get('accept') ?? '').includes('application/json');
}

/** Longer than any day typed (YYYY-MM-DD, or a browser's local spelling): not put in the URL (A7). */
const TYPED_DAY_MAX_LENGTH = 20;

/**
 * A range the form post got wrong goes back to the form, the days as typed in the URL (303: the
 * browser follows with a GET), where the page checks them with the same schema and shows the error
 * beside its field — with or without JavaScript, never a page outside the app. Days only: nothing
 * else of the request is echoed, and a value too long to be a day is left out.
 */
function backToRangeForm(input: Record<string, unknown>): Response {
  const query = new URLSearchParams();
  for (const [field, param] of Object.entries(EVIDENCE_RANGE_PARAMS)) {
    const value = input[field];
    query.set(param, typeof value === 'string' && value.length <= TYPED_DAY_MAX_LENGTH ? value : '');
  }
  return seeOther(`${EVIDENCE_RANGE_FORM_PAGE}?${query.toString()}#evidence-pack`);
}

/**
 * The page the form was posted from: its Referer (sent in full for this origin's own requests),
 * when that is a page of this origin; else the range form's page. Read from a header, not the body:
 * nothing of a caller's input is read before its session is known.
 */
function formPage(request: Request): string {
  let referer: URL;
  try {
    referer = new URL(request.headers.get('referer') ?? '');
  } catch {
    return EVIDENCE_RANGE_FORM_PAGE;
  }
  const path = referer.origin === getConfig().publicUrl.origin ? safeCallbackPath(`${referer.pathname}${referer.search}`) : undefined;
  return path ?? EVIDENCE_RANGE_FORM_PAGE;
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store' } });
}

/** A refusal in the form the caller reads: JSON for API clients, a sentence for a browser's form post. */
function refusal(request: Request, error: ErrorBody): Response {
  const status = HTTP_STATUS[error.code];
  const headers = { 'Cache-Control': 'no-store' };
  if (isJsonRequest(request)) return Response.json(error, { status, headers });
  const details = error.fieldErrors ? ` ${Object.values(error.fieldErrors).flat().join(' ')}` : '';
  return new Response(`${error.message}${details}\n\nGo back to the page and try again.\n`, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
}

export async function POST(request: Request): Promise<Response> {
  const context = await getRequestContext();
  if (!context) {
    await auditEvidenceRequestWithoutSession(await currentClientAddress());
    if (!isJsonRequest(request)) return seeOther(signInPathFor(formPage(request)));
    return refusal(request, { code: 'unauthenticated', message: 'Sign in first.' });
  }
  const config = getConfig();
  const input = await readInput(request);
  const result = await startEvidencePack(context, input, { signingKey: getEvidenceSigningKey(config), version: config.version });
  if (!result.ok && result.error.code === 'invalid_input' && !('campaignId' in input) && !isJsonRequest(request)) return backToRangeForm(input);
  // The refusal is audited (startEvidencePack); the page that carried the form answers the role.
  if (!result.ok && result.error.code === 'forbidden' && !isJsonRequest(request)) return seeOther(formPage(request));
  if (!result.ok) return refusal(request, result.error);

  const chunks = result.data.chunks;
  // Pull-driven: the next rows are read only when the client has taken the bytes before them.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${result.data.fileName}"`,
      'Cache-Control': 'no-store',
      'X-Keywarden-Pack-Id': result.data.packId,
    },
  });
}

// POST /api/unsubscribe/<link> — the one-click unsubscribe of RFC 8058: a mail client POSTs
// `List-Unsubscribe=One-Click` here (no cookie, no Origin: the signed link is the authority, and it
// can only turn one kind of e-mail off for one person), and the confirm page's form posts here too
// and is sent back to the page to see the outcome. GET (someone opening the header's address) goes
// to the confirm page. Bad links answer 400/404/410 in plain words, never a 500.
import { NextResponse } from 'next/server';
import { clientAddressOf } from '@/lib/api/authenticate';
import { getConfig } from '@/lib/config';
import { unsubscribeByLink } from '@/lib/domain/notifications/unsubscribe';
import { HTTP_STATUS } from '@/lib/errors';
import { unsubscribePagePath } from '@/lib/notifications/unsubscribe-link';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ link: string }> };

const NO_STORE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

function toPage(link: string, query = ''): NextResponse {
  return NextResponse.redirect(new URL(`${unsubscribePagePath(encodeURIComponent(link))}${query}`, getConfig().publicUrl.origin), { status: 303, headers: NO_STORE });
}

export async function GET(_request: Request, { params }: Params): Promise<NextResponse> {
  return toPage((await params).link);
}

export async function POST(request: Request, { params }: Params): Promise<NextResponse> {
  const { link } = await params;
  // The page's form says so; a mail client's one-click POST carries List-Unsubscribe=One-Click.
  const form = await request.formData().catch(() => null);
  const fromPage = form?.get('from') === 'page';
  const result = await unsubscribeByLink(link, clientAddressOf(request));
  if (fromPage) return toPage(link, result.ok ? '?done=1' : '');
  if (!result.ok) {
    const status = result.error.code === 'conflict' ? 410 : HTTP_STATUS[result.error.code];
    return new NextResponse(`${result.error.message}\n`, { status, headers: { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  return new NextResponse(`${result.data.email} no longer receives e-mails about “${result.data.eventLabel}”. The bell still shows them.\n`, {
    status: 200,
    headers: { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

// What next-auth's endpoints (app/api/auth/[...nextauth]) are not handed. next-auth answers a few
// malformed requests from anyone with a 500, some with an error-level stack trace in the log, where
// they hide real failures; each is a client's mistake and is refused here with a 4xx instead:
// - `/api/auth/error?error=…` puts the code into its redirect's Location unencoded: a CR or LF makes
//   the Location header invalid and the handler throw. next-auth's codes are single words.
// - `GET /api/auth/callback/credentials`: the credentials callback is a POST (the sign-in form);
//   next-auth answers a GET with a 500 "not supported".
// - A POST whose body claims to be JSON but does not parse: next-auth's JSON.parse throws.

const ERROR_CODE = /^[A-Za-z]{1,64}$/;

function refusal(status: 400 | 405, message: string, headers: Record<string, string> = {}): Response {
  return Response.json(
    { error: { code: 'invalid_input', message } },
    { status, headers: { 'Cache-Control': 'no-store', ...headers } },
  );
}

/** A 4xx for a request next-auth would mishandle, or null to hand it on. Reads a copy of the body. */
export async function refuseMalformedAuthRequest(request: Request, segments: readonly string[]): Promise<Response | null> {
  const [action, providerId] = segments;
  if (action === 'error') {
    // next-auth takes the code from the query, else from the path's second segment.
    const code = new URL(request.url).searchParams.get('error') ?? providerId;
    if (code !== undefined && !ERROR_CODE.test(code)) return refusal(400, 'Unknown sign-in error.');
  }
  if (action === 'callback' && providerId === 'credentials' && request.method !== 'POST') {
    return refusal(405, 'Sign in with the form.', { Allow: 'POST' });
  }
  if (request.method === 'POST' && request.headers.get('content-type')?.includes('application/json')) {
    try {
      JSON.parse(await request.clone().text());
    } catch {
      return refusal(400, 'The request body is not valid JSON.');
    }
  }
  return null;
}

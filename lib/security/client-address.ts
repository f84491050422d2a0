// The client address, from a header only the trusted side can set. Keywarden's own server (lib/cli/
// start.ts) rewrites X-Forwarded-For on arrival: with no trusted proxy it holds just the socket
// peer; behind N trusted proxies the socket peer is appended and the client is N hops from the right.

export function clientAddressFrom(forwardedFor: string | null | undefined, trustedProxyHops: number): string | null {
  if (!forwardedFor) return null;
  const hops = forwardedFor
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const address = hops[hops.length - 1 - trustedProxyHops] ?? hops[0];
  return address ? normaliseAddress(address) : null;
}

/** The X-Forwarded-For value to hand to the app, given what arrived and the socket peer. */
export function rewriteForwardedFor(
  arrived: string | string[] | undefined,
  socketAddress: string | undefined,
  trustedProxyHops: number,
): string {
  const peer = socketAddress ?? 'unknown';
  if (trustedProxyHops === 0) return peer;
  const previous = Array.isArray(arrived) ? arrived.join(',') : (arrived ?? '');
  return previous ? `${previous}, ${peer}` : peer;
}

function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

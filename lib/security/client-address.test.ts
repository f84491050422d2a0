import { describe, expect, it } from 'vitest';
import { clientAddressFrom, rewriteForwardedFor } from './client-address';

/** What the app sees: the header Keywarden's server hands on, read back with the same hop count. */
function addressSeenByApp(arrived: string | string[] | undefined, socketAddress: string | undefined, hops: number) {
  return clientAddressFrom(rewriteForwardedFor(arrived, socketAddress, hops), hops);
}

describe('with no trusted proxy (hops 0)', () => {
  it('ignores a spoofed X-Forwarded-For and uses the socket peer', () => {
    expect(rewriteForwardedFor('6.6.6.6, 7.7.7.7', '203.0.113.9', 0)).toBe('203.0.113.9');
    expect(addressSeenByApp('6.6.6.6, 7.7.7.7', '203.0.113.9', 0)).toBe('203.0.113.9');
    expect(addressSeenByApp(['6.6.6.6', '7.7.7.7'], '203.0.113.9', 0)).toBe('203.0.113.9');
  });

  it('takes the right-most entry of the rewritten header', () => {
    expect(clientAddressFrom('6.6.6.6, 203.0.113.9', 0)).toBe('203.0.113.9');
  });
});

describe('behind one trusted proxy (hops 1)', () => {
  it('takes the client the proxy appended, not what the client claimed', () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw (198.51.100.7);
    // Keywarden's server appends the proxy's own address (10.0.0.2), the socket peer.
    expect(rewriteForwardedFor('6.6.6.6, 198.51.100.7', '10.0.0.2', 1)).toBe('6.6.6.6, 198.51.100.7, 10.0.0.2');
    expect(addressSeenByApp('6.6.6.6, 198.51.100.7', '10.0.0.2', 1)).toBe('198.51.100.7');
  });

  it('joins a header that arrived as several lines', () => {
    expect(addressSeenByApp(['6.6.6.6', '198.51.100.7'], '10.0.0.2', 1)).toBe('198.51.100.7');
  });

  it('falls back to the socket peer when the proxy sent no header', () => {
    expect(rewriteForwardedFor(undefined, '10.0.0.2', 1)).toBe('10.0.0.2');
    expect(addressSeenByApp(undefined, '10.0.0.2', 1)).toBe('10.0.0.2');
  });
});

describe('clientAddressFrom', () => {
  it('normalises IPv4-mapped IPv6 addresses', () => {
    expect(clientAddressFrom('::ffff:192.0.2.1', 0)).toBe('192.0.2.1');
    expect(addressSeenByApp(undefined, '::ffff:192.0.2.1', 0)).toBe('192.0.2.1');
    expect(clientAddressFrom('2001:db8::1', 0)).toBe('2001:db8::1');
  });

  it('ignores blanks and surrounding spaces', () => {
    expect(clientAddressFrom(' 198.51.100.7 ,, 10.0.0.2 ', 1)).toBe('198.51.100.7');
  });

  it('returns null without a header', () => {
    expect(clientAddressFrom(null, 0)).toBeNull();
    expect(clientAddressFrom(undefined, 1)).toBeNull();
    expect(clientAddressFrom('', 0)).toBeNull();
    expect(clientAddressFrom(' , ', 0)).toBeNull();
  });

  it("records 'unknown' when the socket address is not known", () => {
    expect(addressSeenByApp('6.6.6.6', undefined, 0)).toBe('unknown');
  });
});

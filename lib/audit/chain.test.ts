import { describe, expect, it } from 'vitest';
import { canonicalJson, chainMac, CHAIN_GENESIS, type ChainedFields } from './chain';

const ROW: ChainedFields = {
  occurredAt: new Date('2030-01-01T00:00:00.000Z'),
  actorId: null,
  actorEmail: 'a@example.com',
  actorRole: 'admin',
  actorClaimed: false,
  action: 'user.invite',
  targetType: 'user',
  targetId: 'u1',
  outcome: 'succeeded',
  reason: null,
  clientAddress: '203.0.113.1',
  details: { b: 1, a: { d: [1, 'x', null], c: true } },
  tokenFingerprint: null,
};

describe('canonicalJson', () => {
  it('gives the same text whatever the key order, at every depth, and drops undefined like JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { z: 1, y: undefined, x: 0 }] } })).toBe('{"a":{"c":[3,{"x":0,"z":1}],"d":2},"b":1}');
    expect(canonicalJson({ a: { c: [3, { x: 0, z: 1 }], d: 2 }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: 2, c: [3, { z: 1, x: 0 }] } }));
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
  });
});

describe('chainMac', () => {
  it('depends on the key, the previous mac and every field of the row', () => {
    const mac = chainMac('k'.repeat(32), CHAIN_GENESIS, ROW);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(chainMac('k'.repeat(32), CHAIN_GENESIS, { ...ROW, details: { a: { c: true, d: [1, 'x', null] }, b: 1 } })).toBe(mac);
    expect(chainMac('j'.repeat(32), CHAIN_GENESIS, ROW)).not.toBe(mac);
    expect(chainMac('k'.repeat(32), mac, ROW)).not.toBe(mac);
    for (const change of [{ actorClaimed: true }, { reason: 'x' }, { occurredAt: new Date('2030-01-01T00:00:00.001Z') }, { details: { b: 2, a: ROW.details } }, { outcome: 'refused' }]) {
      expect(chainMac('k'.repeat(32), CHAIN_GENESIS, { ...ROW, ...change }), JSON.stringify(change)).not.toBe(mac);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { bendOfSweep } from './bench-server';

describe('the server bench', () => {
  it('finds where browsing bends: throughput that stops following the users, and p95 past 300 ms', () => {
    const keepingUp = [
      { users: 20, requestsPerSecond: 19, p95: 80 },
      { users: 50, requestsPerSecond: 47, p95: 120 },
    ];
    expect(bendOfSweep(keepingUp)).toEqual({ throughput: null, latency: null });

    const bent = bendOfSweep([
      ...keepingUp,
      { users: 100, requestsPerSecond: 60, p95: 900 },
      { users: 200, requestsPerSecond: 62, p95: 3000 },
    ]);
    expect(bent.throughput?.users).toBe(100);
    expect(bent.throughput?.why).toContain('47.0 → 60.0 requests/s for 50 → 100 users');
    expect(bent.latency).toEqual({ users: 100, why: 'p95 900 ms > 300 ms' });
  });
});

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bendOfSweep, SERVER_BUNDLE, startScriptCommand } from './bench-server';

describe('the server bench', () => {
  it("runs the server with the environment and Node flags of package.json's start script", () => {
    expect(startScriptCommand(`NODE_ENV=production MALLOC_ARENA_MAX=2 node --heap-growing-percent=20 --max-semi-space-size=16 ${SERVER_BUNDLE}`)).toEqual({
      env: { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' },
      nodeFlags: ['--heap-growing-percent=20', '--max-semi-space-size=16'],
    });
    expect(startScriptCommand(`node ${SERVER_BUNDLE}`)).toEqual({ env: {}, nodeFlags: [] });
    expect(() => startScriptCommand('next start')).toThrow(/does not run/);
    // Anything but assignments before `node` (a wrapper, a second command) is not what the bench can reproduce.
    expect(() => startScriptCommand(`cd app && node ${SERVER_BUNDLE}`)).toThrow(/does not run/);
    // The bench and `npm start` must agree on how the server starts.
    const { scripts } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
    expect(startScriptCommand(scripts.start).env.NODE_ENV).toBe('production');
  });

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

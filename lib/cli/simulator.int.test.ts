// `npm run simulator` with a mistyped option or a port in use says so in one line and exits, rather
// than crashing with a stack trace (README, "Development").
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function simulator(args: string[]) {
  const result = spawnSync(path.resolve('node_modules/.bin/tsx'), ['lib/cli/simulator.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, lines: result.stderr.trim().split('\n') };
}

describe('npm run simulator refusals', () => {
  let taken: net.Server;
  let takenPort: number;

  beforeAll(async () => {
    taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
  });

  it('refuses an unknown option with the usage', () => {
    const { status, lines } = simulator(['--prot', '8787']);
    expect(status).toBe(2);
    expect(lines).toEqual([
      "Unknown option '--prot'.",
      'Usage: npm run simulator [-- --port 8787] [--faults] [--vendor platformsh|upsun]',
    ]);
  });

  it('says what --port and --vendor accept', () => {
    expect(simulator(['--port', 'eighty']).lines[0]).toBe('--port must be a port number from 0 to 65535');
    expect(simulator(['--vendor', 'aws']).lines[0]).toBe('--vendor must be "platformsh" or "upsun"');
  });

  it('names the port when it is in use', () => {
    const { status, lines } = simulator(['--port', String(takenPort)]);
    expect(status).toBe(1);
    expect(lines).toEqual([`The simulator cannot listen on 127.0.0.1:${takenPort}: the port is in use (EADDRINUSE)`]);
  });
});

import { describe, expect, it } from 'vitest';
import { npmStartCommand, SERVER_BUNDLE, startScriptCommand } from './start-command';

describe("package.json's start script, read by the bench and the browser tests", () => {
  it('gives the environment it sets and the Node flags it passes', () => {
    expect(startScriptCommand(`NODE_ENV=production MALLOC_ARENA_MAX=2 node --heap-growing-percent=20 --liftoff-only ${SERVER_BUNDLE}`)).toEqual({
      env: { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' },
      nodeFlags: ['--heap-growing-percent=20', '--liftoff-only'],
    });
    expect(startScriptCommand(`node ${SERVER_BUNDLE}`)).toEqual({ env: {}, nodeFlags: [] });
  });

  it('refuses a script it cannot reproduce', () => {
    expect(() => startScriptCommand('next start')).toThrow(/does not run/);
    // Anything but assignments before `node` (a wrapper, a second command) cannot be replayed as a spawn.
    expect(() => startScriptCommand(`cd app && node ${SERVER_BUNDLE}`)).toThrow(/does not run/);
  });

  it("reads this project's start script, which runs the production build", () => {
    expect(npmStartCommand('.').env.NODE_ENV).toBe('production');
  });
});

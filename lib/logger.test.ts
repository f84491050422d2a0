import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger, routeConsoleThroughLogger } from './logger';
import { forgetSecret, REDACTED, registerSecret } from './security/redact';

const SECRET = 'kw-test-secret-0123456789abcdef';

describe('routeConsoleThroughLogger', () => {
  const original = { error: console.error, warn: console.warn };
  afterEach(() => {
    Object.assign(console, original);
    forgetSecret(SECRET);
    vi.restoreAllMocks();
  });

  it('turns what Next.js prints with console.error or console.warn into redacted JSON lines', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    registerSecret(SECRET);
    routeConsoleThroughLogger();
    console.error(' ⨯ Error: upstream refused', new Error(`request body: {"token":"${SECRET}"}`));
    console.warn('warned about %s', encodeURIComponent(SECRET));

    expect(lines).toHaveLength(2);
    const [error, warning] = lines.map((line) => JSON.parse(line) as { level: string; message: string });
    expect(error).toMatchObject({ level: 'error' });
    expect(error?.message).toContain('upstream refused');
    expect(error?.message).toContain(REDACTED);
    expect(warning).toMatchObject({ level: 'warn' });
    expect(lines.join('')).not.toContain(SECRET);
    expect(lines.join('')).not.toContain(encodeURIComponent(SECRET));
    // The logger itself writes to stderr directly, so routing the console cannot loop.
    logger.error('direct');
    expect(lines).toHaveLength(3);
  });
});

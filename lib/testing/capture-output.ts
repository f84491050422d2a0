// What the process writes while a canary test runs: stdout, stderr and the console, kept in memory
// (not printed) so that the test can scan it for a token value. Vitest only: e2e imports canary.ts.
import { vi } from 'vitest';

export interface CapturedOutput {
  /** Each write and console call, in order. */
  output: string[];
  /** Puts the streams and the console back. */
  restore(): void;
}

export function captureProcessOutput(): CapturedOutput {
  const output: string[] = [];
  const spies = [
    ...[process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      }),
    ),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')))),
  ];
  return { output, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

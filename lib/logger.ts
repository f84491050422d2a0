// Structured logs, one JSON object a line on stdout/stderr. Every line passes redaction by value
// (SECURITY.md T3) against the secrets registered in lib/security/redact.ts.
import { format } from 'node:util';
import { knownSecrets, redactText } from '@/lib/security/redact';

type Level = 'debug' | 'info' | 'warn' | 'error';

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, cause: serialise(value.cause) };
  }
  return value;
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const entries = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, serialise(value)]));
  const line = redactText(JSON.stringify({ time: new Date().toISOString(), level, message, ...entries }), knownSecrets());
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};

let isConsoleRouted = false;

/**
 * Sends console.error and console.warn (what Next.js prints itself: a failed render, a rejected
 * server action, a body it could not parse, with its stack and message) through the same
 * redaction as every other line (SECURITY.md T3). Called once in the app's own runtime
 * (instrumentation.ts), so the registry of known secrets is the one the app's requests fill.
 * console.log stays as it is: start-up output (the set-up link) is read by people and scripts.
 */
export function routeConsoleThroughLogger(): void {
  if (isConsoleRouted) return;
  isConsoleRouted = true;
  console.error = (...args: unknown[]) => write('error', format(...args));
  console.warn = (...args: unknown[]) => write('warn', format(...args));
}

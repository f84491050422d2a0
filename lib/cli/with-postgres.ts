// npx tsx lib/cli/with-postgres.ts <command> [args…]
// Starts a throw-away PostgreSQL server on loopback, runs the command with TEST_DATABASE_URL
// pointing at it, then stops and removes the server. Used by .ci/run around `npm test`.
import { spawn } from 'node:child_process';
import { startPostgresServer } from '@/lib/testing/postgres-server';

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('Usage: npx tsx lib/cli/with-postgres.ts <command> [args…]');
    process.exit(2);
  }
  const server = await startPostgresServer();
  console.log(`Throw-away PostgreSQL server: ${server.url}`);
  const stopAndExit = (code: number) => {
    server.stop();
    process.exit(code);
  };
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: server.url } });
  process.on('SIGINT', () => child.kill('SIGINT'));
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('close', (code) => stopAndExit(code ?? 1));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

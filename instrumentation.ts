// Next.js calls register() once when the server starts, before it answers requests, in the app's
// own runtime (so the jobs share the app's database handle and Platform.sh client, and the console
// is routed through the app's own redacting logger and its registry of secrets).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { routeConsoleThroughLogger } = await import('./lib/logger');
  routeConsoleThroughLogger();
  const { startBackgroundJobs } = await import('./lib/jobs');
  await startBackgroundJobs();
}

// Next.js calls register() once when the server starts, before it answers requests, in the app's
// own runtime (so the jobs share the app's database handle and Platform.sh client).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startBackgroundJobs } = await import('./lib/jobs');
  await startBackgroundJobs();
}

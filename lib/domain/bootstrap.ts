// Work done once at start-up, before the server accepts requests.
import type { Config } from '@/lib/config';
import type { Database } from '@/lib/db';
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { prepareFirstRun } from './accounts';

/** In sandbox mode, the demo projects exist (idempotent; never touches live data). */
export async function seedSandboxProjects(db: Database, config: Pick<Config, 'platformsh'>): Promise<number> {
  if (config.platformsh.mode !== 'sandbox') return 0;
  const { count } = await db.project.createMany({ data: [...DEMO_PROJECTS], skipDuplicates: true });
  return count;
}

export async function bootstrap(db: Database, config: Config) {
  await seedSandboxProjects(db, config);
  return prepareFirstRun(db, { bootstrapAdmin: config.bootstrapAdmin, baseUrl: config.publicUrl });
}

// Work done once at start-up, before the server accepts requests. The demo projects of sandbox mode
// come from the simulator through the inventory sync (lib/jobs), not from here.
import type { Config } from '@/lib/config';
import type { Database } from '@/lib/db';
import { prepareFirstRun } from './accounts';

export async function bootstrap(db: Database, config: Config) {
  return prepareFirstRun(db, { bootstrapAdmin: config.bootstrapAdmin, baseUrl: config.publicUrl });
}

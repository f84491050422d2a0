// Stops the server started by global set-up and removes the run's directory (data, secrets,
// storage states). The server log is kept in test-results/ for whoever reads a failure.
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { e2eDir, paths } from './support/paths';
import { stopServer } from './support/server-process';
import type { ServerState } from './support/server-state';

export default async function globalTeardown(config: FullConfig): Promise<void> {
  const dir = e2eDir();
  if (fs.existsSync(paths.server())) {
    const state = JSON.parse(fs.readFileSync(paths.server(), 'utf8')) as ServerState;
    await stopServer(state.pid);
  }
  const outputDir = config.projects[0]?.outputDir;
  if (outputDir && fs.existsSync(paths.serverLog())) {
    fs.mkdirSync(outputDir, { recursive: true });
    fs.copyFileSync(paths.serverLog(), path.join(outputDir, 'keywarden-server.log'));
  }
  if (process.env.KEYWARDEN_E2E_KEEP === '1') {
    console.log(`Kept ${dir} (KEYWARDEN_E2E_KEEP=1)`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

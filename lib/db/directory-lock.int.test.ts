// One process at a time on an embedded database directory (directory-lock.ts): while one process
// has it open, a second `npm start` or a tool is refused in one line naming the process, instead of
// opening the same files and corrupting them; once it is closed, or its process is gone, the next
// opener gets it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '@/lib/db/client';
import { migrateConfiguredDatabase } from '@/lib/db/startup';

const tsx = path.resolve('node_modules/.bin/tsx');

function run(script: string, env: Record<string, string>) {
  const result = spawnSync(tsx, [script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_URL: '', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

describe('an embedded database directory has one process at a time', () => {
  let dataDir: string;
  let directory: string;
  let handle: DatabaseHandle | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-lock-'));
    directory = path.join(dataDir, 'pglite');
    handle = openDatabase({ kind: 'pglite', directory });
    await migrateConfiguredDatabase({ database: { kind: 'pglite', directory } }, handle.pglite);
  });

  afterAll(async () => {
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a tool while another process has the directory open', () => {
    const result = run('lib/cli/audit-verify.ts', { KEYWARDEN_DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${directory} is in use by process ${process.pid} (one process at a time opens an embedded database): stop that process first, or run on PostgreSQL`);
  });

  it('refuses a second server in one line naming KEYWARDEN_DATA_DIR', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = run('lib/cli/start.ts', { NODE_ENV: 'production', PORT: String(port), KEYWARDEN_HOST: '127.0.0.1', KEYWARDEN_DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `Keywarden cannot start: the embedded database in KEYWARDEN_DATA_DIR (${directory}) cannot be used: ${directory} is in use by process ${process.pid} (one process at a time opens an embedded database): stop that process first, or run on PostgreSQL`,
    );
  });

  it('lets the next process have it once closed, and takes over the lock of a process that is gone', async () => {
    await handle?.close();
    handle = undefined;
    expect(run('lib/cli/audit-verify.ts', { KEYWARDEN_DATA_DIR: dataDir })).toMatchObject({ status: 0, stdout: expect.stringMatching(/^OK: 0 rows verified/) });

    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(`${directory}.lock`, JSON.stringify({ pid: Number(gone.stdout) }));
    expect(run('lib/cli/audit-verify.ts', { KEYWARDEN_DATA_DIR: dataDir })).toMatchObject({ status: 0 });
    expect(fs.existsSync(`${directory}.lock`)).toBe(false);
  });
});

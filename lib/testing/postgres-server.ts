// A throw-away PostgreSQL server on loopback for tests: initdb in a temporary directory, started on
// a free port, removed on stop. Uses the Debian server binaries (apt-get install postgresql).
// initdb refuses to run as root, so as root the cluster is owned and run by the `postgres` user.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PostgresServer {
  url: string;
  stop: () => void;
}

export function findPostgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((version) => fs.existsSync(path.join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  if (!bin) {
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql, or set TEST_DATABASE_URL');
  }
  const isRoot = process.getuid?.() === 0;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-pg-'));
  const dataDir = path.join(directory, 'data');
  const asOwner = (command: string, args: string[]) => {
    const [file, fullArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(file, fullArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${path.basename(command)} failed: ${result.stderr || result.stdout}`);
  };
  if (isRoot) execFileSync('chown', ['postgres:postgres', directory]);
  asOwner(path.join(bin, 'initdb'), ['--auth=trust', '-U', 'app', '-E', 'UTF8', '--locale=C', '-D', dataDir]);
  const port = await freePort();
  asOwner(path.join(bin, 'pg_ctl'), [
    '-D', dataDir,
    '-l', path.join(directory, 'server.log'),
    '-o', `-h 127.0.0.1 -p ${port} -k ${directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    '-w', 'start',
  ]);
  return {
    url: `postgresql://app@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        asOwner(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}

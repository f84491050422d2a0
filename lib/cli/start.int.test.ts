// `npm start` refusing a setting that is well-formed but unusable on this machine — a data directory
// it cannot write, a database it cannot reach, a port already taken — says so in one line naming
// the variable, as it does for a malformed one (README, "Configuration"), never with a stack trace.
// Each fails before Next.js loads, so no build is needed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function start(env: Record<string, string>) {
  const result = spawnSync(path.resolve('node_modules/.bin/tsx'), ['lib/cli/start.ts'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', KEYWARDEN_HOST: '127.0.0.1', ...env },
  });
  return { status: result.status, lines: result.stderr.trim().split('\n') };
}

describe('npm start with an unusable setting', () => {
  let dataDir: string;
  let taken: net.Server;
  let takenPort: number;
  let freePort: number;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-start-'));
    taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    freePort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('names KEYWARDEN_DATA_DIR when the data directory cannot be made', () => {
    const file = path.join(dataDir, 'a-file');
    fs.writeFileSync(file, '');
    const { status, lines } = start({ PORT: String(freePort), KEYWARDEN_DATA_DIR: file });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Keywarden cannot start: KEYWARDEN_DATA_DIR \\(${file}\\) is not usable: ENOTDIR`));
  });

  it('names DATABASE_URL when the database cannot be reached, without its password', () => {
    const { status, lines } = start({ PORT: String(freePort), KEYWARDEN_DATA_DIR: dataDir, DATABASE_URL: `postgresql://keywarden:hunter2-secret@127.0.0.1:${freePort}/keywarden` });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Keywarden cannot start: the database of DATABASE_URL \(127\.0\.0\.1:\d+\) /);
    expect(lines[0]).not.toContain('hunter2-secret');
  });

  it('names PORT and KEYWARDEN_HOST when the port is taken, before any other work', () => {
    const { status, lines } = start({ PORT: String(takenPort), KEYWARDEN_DATA_DIR: path.join(dataDir, 'unused') });
    expect(status).toBe(1);
    expect(lines).toEqual([`Keywarden cannot start: cannot listen on KEYWARDEN_HOST 127.0.0.1, PORT ${takenPort}: the port is in use (EADDRINUSE)`]);
    expect(fs.existsSync(path.join(dataDir, 'unused'))).toBe(false);
  });
});

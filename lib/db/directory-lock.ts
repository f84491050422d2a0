// One process at a time on an embedded database directory. PGlite is PostgreSQL running inside the
// process: a second process opening the same files (a second `npm start`, or a tool while the server
// runs) works from its own buffers and writes the same WAL and data files — nothing in PGlite refuses
// it, and the database is corrupted. So whoever opens the directory first holds `<directory>.lock`
// (beside it: PostgreSQL's initdb wants an empty directory) until it closes it or exits.
//
// A process killed outright leaves its lock behind; the next opener takes it over when the process
// it names is gone. "Gone" is more than a free pid: after a reboot or in a restarted container the pid
// may belong to another process, so on Linux the lock also records the boot and the process's start
// time, and a lock whose owner no longer matches them is stale.
import fs from 'node:fs';

export class DirectoryInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly pid: number,
  ) {
    super(`${directory} is in use by process ${pid} (one process at a time opens an embedded database): stop that process first, or run on PostgreSQL`);
    this.name = 'DirectoryInUseError';
  }
}

interface Owner {
  pid: number;
  bootId?: string;
  startTime?: string;
}

/**
 * The boot and the start time of a process, and whether it has exited but not yet been reaped (a
 * zombie holds no files), where the system tells (Linux's /proc); else nothing.
 */
function identity(pid: number): Omit<Owner, 'pid'> & { zombie?: boolean } {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const bootId = read('/proc/sys/kernel/random/boot_id')?.trim();
  // Field 22 of /proc/<pid>/stat, counted after the command name (which may hold spaces) in parentheses.
  const stat = read(`/proc/${pid}/stat`);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = fields?.[19];
  return { ...(bootId ? { bootId } : {}), ...(startTime ? { startTime } : {}), ...(fields?.[0] === 'Z' ? { zombie: true } : {}) };
}

function readOwner(file: string): Owner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, bootId: owner.bootId, startTime: owner.startTime } : undefined;
  } catch {
    return undefined; // unreadable or half-written: not a lock anyone can be holding for long
  }
}

function isRunning(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = identity(owner.pid);
  if (now.zombie) return false;
  if (owner.bootId && now.bootId && owner.bootId !== now.bootId) return false;
  if (owner.startTime && now.startTime && owner.startTime !== now.startTime) return false;
  return true;
}

const held = new Set<string>();
let releaseAtExit = false;

const lockFile = (directory: string) => `${directory.replace(/[/\\]+$/, '')}.lock`;

/** Takes the directory for this process, or throws DirectoryInUseError naming the process that has it. */
export function lockDirectory(directory: string): void {
  const file = lockFile(directory);
  if (held.has(file)) return;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const { bootId, startTime } = identity(process.pid);
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, bootId, startTime }), { flag: 'wx', mode: 0o600 });
      held.add(file);
      if (!releaseAtExit) {
        releaseAtExit = true;
        process.on('exit', () => [...held].forEach(releaseFile));
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    // Our own pid in a lock we do not hold: a process of an earlier life (a restarted container) had it.
    if (owner && owner.pid !== process.pid && isRunning(owner)) throw new DirectoryInUseError(directory, owner.pid);
    fs.rmSync(file, { force: true });
  }
  throw new DirectoryInUseError(directory, readOwner(file)?.pid ?? 0);
}

function releaseFile(file: string): void {
  held.delete(file);
  if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
}

/** Lets the directory go (its PGlite closed); a no-op when this process does not hold it. */
export function unlockDirectory(directory: string): void {
  const file = lockFile(directory);
  if (held.has(file)) releaseFile(file);
}

// Every server action of a folder, for tests that call each one as an outsider could (the session
// check first, the argument shapes): a new "use server" export is covered without being listed.
import fs from 'node:fs';
import path from 'node:path';

export type ServerAction = (...args: unknown[]) => Promise<unknown>;

/** Each "use server" module of `folder` and its exported functions, named `file: export`, but those in `except`. */
export async function serverActionsIn(folder: string, except: readonly string[] = []): Promise<[string, ServerAction][]> {
  const modules = fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .filter((file) => /^\s*['"]use server['"]/.test(fs.readFileSync(path.join(folder, file), 'utf8')));
  const actions: [string, ServerAction][] = [];
  for (const file of modules) {
    const exports = (await import(/* @vite-ignore */ path.join(folder, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === 'function' && !except.includes(name)) actions.push([`${file}: ${name}`, value as ServerAction]);
    }
  }
  return actions;
}

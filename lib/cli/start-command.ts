// How `npm start` runs the production server: package.json's "start" script, `[NAME=value …] node
// <flags> .next/keywarden/start.mjs`. The bench and the browser tests start the server from it, so
// that what they measure and drive is what an operator runs, memory and compiler flags included.
import fs from 'node:fs';
import path from 'node:path';

/** The custom server as `npm run build` writes it and `npm start` runs it (plain JavaScript). */
export const SERVER_BUNDLE = '.next/keywarden/start.mjs';

export interface StartCommand {
  /** The environment the script sets before `node`. */
  env: Record<string, string>;
  /** The Node (and V8) flags between `node` and the bundle. */
  nodeFlags: string[];
}

/** Reads a start script; anything but assignments, `node`, flags and the bundle is refused. */
export function startScriptCommand(startScript: string): StartCommand {
  const words = startScript.trim().split(/\s+/);
  const node = words.indexOf('node');
  const bundle = words.indexOf(SERVER_BUNDLE);
  const assignments = words.slice(0, Math.max(0, node));
  if (node === -1 || bundle <= node || !assignments.every((word) => /^[A-Z_][A-Z0-9_]*=\S*$/.test(word))) {
    throw new Error(`package.json's start script does not run \`[NAME=value …] node … ${SERVER_BUNDLE}\`: ${startScript}`);
  }
  const env = Object.fromEntries(assignments.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]));
  return { env, nodeFlags: words.slice(node + 1, bundle) };
}

/** The start command of the project at `root`. */
export function npmStartCommand(root: string): StartCommand {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return startScriptCommand(scripts.start);
}

// What the Platform.sh / Upsun CLI does with `--no-wait` and `--yes`, shared by the snippet
// generators (which add the flags) and the linter (which asks for them).
//
// Source: platformsh/legacy-cli (the PHP core both the `platform` and the `upsun` binaries wrap),
// commit 26550d3 (2026-01-28). A command accepts `--no-wait` only when it calls
// CommandBase::addWaitOptions(); passing it to any other command fails with "The --no-wait option
// does not exist", so the lists below are explicit rather than "every command but the read-only ones".
// `--yes` (`-y`) is an Application-level option that every command accepts; it answers the
// confirm() questions listed in PROMPTING_COMMANDS.

export type CliBinary = 'platform' | 'upsun';

export const CLI_BINARIES: readonly CliBinary[] = ['platform', 'upsun'];

/**
 * Commands that start an activity, follow it until it completes (without `--no-wait`) and ask a
 * confirm() question first (without `--yes`): most commands that change an environment do both, so
 * both lists below are derived from this one instead of repeating it.
 */
const WAITING_AND_PROMPTING = [
  'backup:create',
  'backup:delete',
  'backup:restore',
  'certificate:delete',
  'domain:add',
  'domain:delete',
  'environment:activate',
  'environment:branch',
  'environment:delete',
  'environment:deploy',
  'environment:deploy:type',
  'environment:merge',
  'environment:pause',
  'environment:push',
  'environment:redeploy',
  'environment:resume',
  'environment:synchronize',
  'integration:add',
  'integration:delete',
  'operation:run',
  'resources:set',
  'user:add',
  'user:delete',
  'variable:delete',
] as const;

/** Commands that start an activity and, without `--no-wait`, follow it until it completes. */
export const WAITING_COMMANDS: ReadonlySet<string> = new Set([
  ...WAITING_AND_PROMPTING,
  // These wait but never ask.
  'certificate:add',
  'domain:update',
  'environment:http-access',
  'environment:init',
  'integration:update',
  'project:variable:delete',
  'project:variable:set',
  'source-operation:run',
  'team:update',
  'user:update',
  'variable:create',
  'variable:disable',
  'variable:enable',
  'variable:set',
  'variable:update',
]);

/**
 * Accept `--no-wait` too, but only wait when they are used to change a property
 * (`environment:info title "New"`), which a cron has no reason to do. Reading is the common case,
 * so the linter leaves them alone unless they are given a property and a value.
 */
const WAIT_WHEN_SETTING: ReadonlySet<string> = new Set(['environment:info', 'project:info']);

/** Commands whose source asks a confirm() question that `--yes` answers. */
export const PROMPTING_COMMANDS: ReadonlySet<string> = new Set([
  ...WAITING_AND_PROMPTING,
  // These ask but start no activity to wait for.
  'activity:cancel',
  'autoscaling:set',
  'blue-green:conclude',
  'blue-green:deploy',
  'blue-green:enable',
  'db:dump',
  'mount:download',
  'mount:upload',
  'project:delete',
  'resources:build:set',
]);

/** Visible and hidden aliases of the commands above (setAliases / setHiddenAliases in the CLI). */
const ALIASES: Readonly<Record<string, string>> = {
  backup: 'backup:create',
  'snapshot:create': 'backup:create',
  'environment:backup': 'backup:create',
  'snapshot:restore': 'backup:restore',
  'environment:restore': 'backup:restore',
  branch: 'environment:branch',
  'environment:deactivate': 'environment:delete',
  deploy: 'environment:deploy',
  'e:deploy': 'environment:deploy',
  'env:deploy': 'environment:deploy',
  httpaccess: 'environment:http-access',
  'environment:metadata': 'environment:info',
  merge: 'environment:merge',
  push: 'environment:push',
  redeploy: 'environment:redeploy',
  sync: 'environment:synchronize',
  'project:metadata': 'project:info',
  pvset: 'project:variable:set',
  vset: 'variable:set',
  'build-resources:set': 'resources:build:set',
};

// Options that take a separate value word (`-p abc`), so the value is not mistaken for an argument.
const OPTIONS_WITH_VALUE = new Set(['-p', '--project', '-e', '--environment', '-A', '--app', '--host', '-I', '--identity-file']);

// Short flags that take no value, so `-yW` can be read as `-y -W`.
const VALUELESS_SHORT_FLAGS = /^-[yWnqv]+$/;

export interface CliCall {
  binary: CliBinary;
  /** The canonical command name (aliases resolved), or what was written when it is unknown. */
  command: string | null;
  /** Whether the call would follow an activity to completion (no `--no-wait`, command that waits). */
  waits: boolean;
  /** Whether the call can stop at a confirmation question (no `--yes`, command that asks). */
  mayPrompt: boolean;
  hasNoWait: boolean;
  hasYes: boolean;
}

/** The binary's name when `word` runs the CLI: `platform`, `upsun`, or a path ending in either. */
export function cliBinaryOf(word: string): CliBinary | null {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return (CLI_BINARIES as readonly string[]).includes(base) ? (base as CliBinary) : null;
}

export function canonicalCommand(name: string): string {
  return ALIASES[name] ?? name;
}

function hasFlag(words: readonly string[], long: string, short: string): boolean {
  return words.some(
    (word) => word === long || word === `-${short}` || (VALUELESS_SHORT_FLAGS.test(word) && word.includes(short)),
  );
}

/**
 * Reads the words of one simple command whose first word is the CLI (see cliBinaryOf).
 * Returns null when the first word is not the CLI.
 */
export function analyseCliCall(words: readonly string[]): CliCall | null {
  const [first, ...rest] = words;
  const binary = first === undefined ? null : cliBinaryOf(first);
  if (!binary) return null;

  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    if (word === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (word.startsWith('-')) {
      if (OPTIONS_WITH_VALUE.has(word)) i++;
      continue;
    }
    positional.push(word);
  }
  const [written, ...args] = positional;
  const command = written === undefined ? null : canonicalCommand(written);
  // Also answer "no" or "non-interactive": either way the CLI does not stop to ask.
  const hasYes = hasFlag(rest, '--yes', 'y') || hasFlag(rest, '--no-interaction', 'n') || rest.includes('--no');
  const hasNoWait = hasFlag(rest, '--no-wait', 'W');
  const canWait =
    command !== null && (WAITING_COMMANDS.has(command) || (WAIT_WHEN_SETTING.has(command) && args.length >= 2));
  const canPrompt = command !== null && PROMPTING_COMMANDS.has(command);

  return { binary, command, waits: canWait && !hasNoWait, mayPrompt: canPrompt && !hasYes, hasNoWait, hasYes };
}

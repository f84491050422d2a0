// A linter for pasted app configuration (`.platform.app.yaml`, `.platform/applications.yaml` or
// `.upsun/config.yaml`): it reads each cron's script and points at the CLI calls the API-token
// docs warn about. It never throws on input: a YAML error is a finding like any other.
//
// The script is read with a small tokenizer (shell.ts), not a shell: it follows `if/elif/else/fi`,
// `[ … ] && cmd`, `[ … ] || exit` and `if [ … != production ]; then exit; fi`. It does not follow
// `case`, functions or here-documents; a call it cannot place under a guard is reported as
// unguarded, which errs on the side of a warning the user can dismiss.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type YAMLMap } from 'yaml';
import { analyseCliCall, type CliCall } from './cli-commands';
import { cronSpecProblem } from './schemas';
import { commandWords, splitCommands } from './shell';

export type LintSeverity = 'error' | 'warning' | 'info';

export type LintCode =
  | 'yaml-syntax'
  | 'not-app-config'
  | 'no-crons'
  | 'invalid-spec'
  | 'missing-no-wait'
  | 'runs-everywhere'
  | 'branch-guard'
  | 'missing-yes';

export interface LintFinding {
  code: LintCode;
  severity: LintSeverity;
  /** Plain words, saying what to change. */
  message: string;
  /** The application, when the file holds several (Upsun, `.platform/applications.yaml`). */
  appName?: string;
  cronName?: string;
  /** 1-based line in the pasted text. */
  line?: number;
}

// --- Script analysis --------------------------------------------------------------------------

type GuardKind = 'environment-type' | 'branch';

interface Guard {
  kind: GuardKind;
  /** 0-based line of the check in the script. */
  line: number;
}

interface Condition extends Guard {
  /** `!=` or `!`: true on every environment except production. */
  negated: boolean;
}

export interface CliCallSite {
  call: CliCall;
  /** The CLI call as written, for messages. */
  text: string;
  /** 0-based line in the script. */
  line: number;
  /** The production check the call sits behind, if any. */
  guard: Guard | null;
}

const TYPE_VARIABLE = /\$\{?PLATFORM_ENVIRONMENT_TYPE\}?/;
const BRANCH_VARIABLE = /\$\{?PLATFORM_BRANCH\}?/;
const TEST_COMMANDS = new Set(['[', '[[', 'test']);

function classifyCondition(words: readonly string[], line: number): Condition | null {
  const negated = words.includes('!=') || words.includes('!');
  if (words.some((word) => TYPE_VARIABLE.test(word)) && words.includes('production')) {
    return { kind: 'environment-type', negated, line };
  }
  // Any branch comparison is taken as meant for production: which branch is production is not
  // knowable from the file, and the branch-guard finding asks for the type check anyway.
  if (words.some((word) => BRANCH_VARIABLE.test(word))) return { kind: 'branch', negated, line };
  return null;
}

interface Frame {
  conditionWords: string[];
  conditionLine: number;
  condition: Condition | null;
  branch: 'condition' | 'then' | 'else';
  /** The branch that runs outside production ends in `exit`: what follows the `fi` is guarded. */
  exitsOutsideProduction: boolean;
}

/** Whether this branch of the frame runs only on production. */
function frameGuard(frame: Frame): Guard | null {
  const { condition, branch } = frame;
  if (!condition) return null;
  const onProduction = condition.negated ? branch === 'else' : branch === 'then';
  return onProduction ? condition : null;
}

function runsOutsideProduction(frame: Frame): boolean {
  const { condition, branch } = frame;
  return condition !== null && (condition.negated ? branch === 'then' : branch === 'else');
}

/** Finds every CLI call in a cron script and the production check, if any, that it sits behind. */
export function findCliCalls(script: string): CliCallSite[] {
  const sites: CliCallSite[] = [];
  const frames: Frame[] = [];
  // From `[ cond ] || exit` (or `if [ !cond ]; then exit; fi`) to the end of the script.
  let scriptGuard: Guard | null = null;
  // From `[ cond ] &&` to the end of the and-list.
  let listGuard: Guard | null = null;
  // A test whose failure (positive) or success (negated) is followed by `exit`.
  let exitGuard: Guard | null = null;

  for (const { words: tokens, separator } of splitCommands(script)) {
    let index = 0;
    for (; index < tokens.length; index++) {
      const token = tokens[index]!;
      const top = frames.at(-1);
      if (token.text === 'if') {
        frames.push({ conditionWords: [], conditionLine: token.line, condition: null, branch: 'condition', exitsOutsideProduction: false });
      } else if (token.text === 'elif' && top) {
        Object.assign(top, { conditionWords: [], conditionLine: token.line, condition: null, branch: 'condition' });
      } else if (token.text === 'then' && top) {
        top.condition = classifyCondition(top.conditionWords, top.conditionLine);
        top.branch = 'then';
      } else if (token.text === 'else' && top) {
        top.branch = 'else';
      } else if (token.text === 'fi' && top) {
        frames.pop();
        if (top.exitsOutsideProduction && top.condition) scriptGuard ??= top.condition;
      } else {
        break;
      }
    }
    const rest = tokens.slice(index);
    const top = frames.at(-1);
    if (rest.length === 0) continue;
    if (top?.branch === 'condition') {
      top.conditionWords.push(...rest.map((token) => token.text));
      continue;
    }

    const words = commandWords(rest);
    const first = rest[0]!;
    if (TEST_COMMANDS.has(words[0] ?? '')) {
      const condition = classifyCondition(words, first.line);
      // `[ prod ] && x` and `[ !prod ] || x` run x on production only; the other two pairings run
      // it elsewhere, which guards what follows only if x is `exit`.
      const guardsNext = condition && (separator === '&&') !== condition.negated;
      if (condition && (separator === '&&' || separator === '||')) {
        if (guardsNext) listGuard = condition;
        else exitGuard = condition;
      }
      continue;
    }
    if (words[0] === 'exit' || words[0] === 'return') {
      if (exitGuard) scriptGuard ??= exitGuard;
      if (top && runsOutsideProduction(top)) top.exitsOutsideProduction = true;
    }

    const call = analyseCliCall(words);
    if (call) {
      const frameGuarded = frames.map(frameGuard).findLast((guard) => guard !== null) ?? null;
      sites.push({ call, text: words.join(' '), line: first.line, guard: scriptGuard ?? frameGuarded ?? listGuard });
    }
    if (separator !== '&&' && separator !== '|') {
      listGuard = null;
      exitGuard = null;
    }
  }
  return sites;
}

// --- Findings for one cron --------------------------------------------------------------------

function shorten(command: string): string {
  return command.length > 60 ? `${command.slice(0, 57)}…` : command;
}

/** Findings for a cron script; lines are 1-based within the script. */
export function lintCronScript(script: string): LintFinding[] {
  const findings: LintFinding[] = [];
  const reportedBranchGuards = new Set<number>();
  for (const { call, text, line, guard } of findCliCalls(script)) {
    const quoted = `"${shorten(text)}"`;
    if (call.waits) {
      findings.push({
        code: 'missing-no-wait',
        severity: 'warning',
        message: `Add --no-wait to ${quoted}. Without it the cron waits for the whole activity to finish, which can hold up deployments and cause downtime.`,
        line: line + 1,
      });
    }
    if (!guard) {
      findings.push({
        code: 'runs-everywhere',
        severity: 'warning',
        message: `${quoted} runs on every environment, not only production. Wrap it in: if [ "$PLATFORM_ENVIRONMENT_TYPE" = production ]; then … fi`,
        line: line + 1,
      });
    } else if (guard.kind === 'branch' && !reportedBranchGuards.has(guard.line)) {
      reportedBranchGuards.add(guard.line);
      findings.push({
        code: 'branch-guard',
        severity: 'warning',
        message:
          'This cron checks $PLATFORM_BRANCH to find production. Branches get renamed (master → main) and the cron then stops silently; check [ "$PLATFORM_ENVIRONMENT_TYPE" = production ] instead.',
        line: guard.line + 1,
      });
    }
    if (call.mayPrompt) {
      findings.push({
        code: 'missing-yes',
        severity: 'info',
        message: `Add --yes to ${quoted} so that it never stops at its confirmation question.`,
        line: line + 1,
      });
    }
  }
  return findings;
}

// --- The configuration file -------------------------------------------------------------------

interface AppNode {
  appName?: string;
  node: YAMLMap;
}

function appsOf(root: unknown): AppNode[] | null {
  if (isSeq(root)) {
    // `.platform/applications.yaml`: a list of applications, each with a `name`.
    return root.items.filter(isMap).map((node) => {
      const name = node.get('name');
      return typeof name === 'string' ? { appName: name, node } : { node };
    });
  }
  if (!isMap(root)) return null;
  const applications = root.get('applications', true);
  if (isMap(applications)) {
    return applications.items.flatMap((pair) =>
      isScalar(pair.key) && isMap(pair.value) ? [{ appName: String(pair.key.value), node: pair.value }] : [],
    );
  }
  return [{ node: root }];
}

/** The message of a YAML error without the source excerpt the library appends. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** Lints pasted app configuration. Findings are in document order. */
export function lintAppConfig(text: string): LintFinding[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    // Later errors are usually knock-on effects of the first.
    const line = syntaxError.linePos?.[0].line;
    return [
      {
        code: 'yaml-syntax',
        severity: 'error',
        message: `This is not valid YAML${line ? ` (line ${line})` : ''}: ${firstLine(syntaxError.message)}. Check the indentation and quotes there.`,
        ...(line ? { line } : {}),
      },
    ];
  }

  const apps = appsOf(doc.contents);
  if (!apps) {
    return [{ code: 'not-app-config', severity: 'error', message: 'This does not look like app configuration: paste the YAML of .platform.app.yaml or .upsun/config.yaml.' }];
  }

  const findings: LintFinding[] = [];
  let cronCount = 0;
  for (const { appName, node } of apps) {
    const crons = node.get('crons', true);
    if (!isMap(crons)) continue;
    for (const pair of crons.items) {
      if (!isScalar(pair.key) || !isMap(pair.value)) continue;
      cronCount++;
      const cronName = String(pair.key.value);
      const where = { ...(appName === undefined ? {} : { appName }), cronName };
      const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

      const spec = pair.value.get('spec', true);
      const specProblem = isScalar(spec) ? cronSpecProblem(String(spec.value), true) : 'The cron has no spec.';
      if (specProblem) {
        findings.push({ code: 'invalid-spec', severity: 'error', message: specProblem, ...where, line: lineOf(isScalar(spec) ? spec.range?.[0] : pair.key.range?.[0]) });
      }

      const start = pair.value.getIn(['commands', 'start'], true) ?? pair.value.get('cmd', true);
      if (!isScalar(start) || typeof start.value !== 'string') continue;
      const startLine = lineOf(start.range?.[0]);
      // In a literal block each line of the script is a line of the file, after the `|` line.
      // Other styles fold lines together, so their findings point at where the script starts.
      const fileLine = (scriptLine: number) =>
        startLine === undefined ? undefined : start.type === Scalar.BLOCK_LITERAL ? startLine + scriptLine : startLine;
      for (const finding of lintCronScript(start.value)) {
        findings.push({ ...finding, ...where, line: fileLine(finding.line ?? 1) });
      }
    }
  }
  if (cronCount === 0) {
    findings.push({ code: 'no-crons', severity: 'info', message: 'No crons found: nothing here runs the CLI on a schedule.' });
  }
  return findings;
}

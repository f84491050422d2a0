// The onboarding kit: the configuration and commands a person copies into a project once its
// machine user exists. Pure functions of validated input. YAML is built as objects and serialised
// by the `yaml` library, so it is always well-formed whatever the input; shell text only ever
// contains schema-checked values passed through shellQuote.
//
// Sources: the Platform.sh "Authenticating with API tokens" page, current (Homebrew build hook,
// `$PLATFORM_ENVIRONMENT_TYPE` guard) and older (installer build hook, `$PLATFORM_BRANCH` guard),
// kept in shared/seeds/; the CLI's own source for flags (see cli-commands.ts).
//
// Invalid input throws an OnboardingInputError (code `invalid_input`, with field errors), never
// returns half a snippet: the callers are actions that already turn AppErrors into typed results.
import { Document, isScalar, Scalar, visit } from 'yaml';
import { z } from 'zod';
import { analyseCliCall, type CliBinary } from './cli-commands';
import {
  appNameSchema,
  branchSchema,
  commandLineSchema,
  cronNameSchema,
  cronSpecSchema,
  emailSchema,
  OnboardingInputError,
  parseInput,
  projectContextSchema,
  SNIPPET_FORMS,
  sourceOperationNameSchema,
  type ProjectContext,
  type SnippetForm,
  type Vendor,
} from './schemas';
import { VENDOR_PROFILES } from '@/lib/vendor';
import { commandWords, shellQuote, splitCommands } from './shell';

export interface Snippet {
  /** A good name for the download; the header comment says where the content goes. */
  filename: string;
  language: 'yaml' | 'shell';
  text: string;
}

interface VendorCli {
  label: string;
  binary: CliBinary;
  /** The CLI reads its token from this environment variable (`{env_prefix}TOKEN`). */
  tokenVariable: string;
  /** `{env_prefix}NO_INTERACTION=1` is the environment form of `--yes` for every command. */
  noInteractionVariable: string;
  /** The Homebrew formula, as the Platform.sh page documents it (shared/seeds); Upsun's CLI comes
   *  from its own tap. */
  brewFormula: string;
  /** The installer for CI machines; VENDOR=upsun makes it install the `upsun` binary. */
  installCommand: string;
  configFile: string;
  filenamePrefix: string;
}

// Names shared with the rest of Keywarden come from lib/vendor.ts (the variable pushed is `env:` + tokenVariable).
const VENDOR_CLI: Record<Vendor, VendorCli> = {
  platformsh: {
    label: VENDOR_PROFILES.platformsh.productName,
    binary: VENDOR_PROFILES.platformsh.cliBinary,
    tokenVariable: VENDOR_PROFILES.platformsh.cliTokenEnv,
    noInteractionVariable: 'PLATFORMSH_CLI_NO_INTERACTION',
    brewFormula: 'platformsh/tap/platformsh-cli',
    installCommand: 'curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh | bash',
    configFile: VENDOR_PROFILES.platformsh.configFile,
    filenamePrefix: 'platform.app',
  },
  upsun: {
    label: VENDOR_PROFILES.upsun.productName,
    binary: VENDOR_PROFILES.upsun.cliBinary,
    tokenVariable: VENDOR_PROFILES.upsun.cliTokenEnv,
    noInteractionVariable: 'UPSUN_CLI_NO_INTERACTION',
    brewFormula: 'upsun/tap/upsun-cli',
    installCommand: 'curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh | VENDOR=upsun bash',
    configFile: VENDOR_PROFILES.upsun.configFile,
    filenamePrefix: 'upsun.config',
  },
};

// --- Shared options ---------------------------------------------------------------------------

const appConfigOptionsSchema = z.strictObject({
  form: z.enum(SNIPPET_FORMS).default('current'),
  /** The application's `name` (Upsun nests configuration under `applications.<name>`). */
  appName: appNameSchema.default('app'),
});

export type AppConfigOptions = z.input<typeof appConfigOptionsSchema>;

function parseContext(context: ProjectContext) {
  return parseInput(projectContextSchema, context);
}

function header(context: z.output<typeof projectContextSchema>, ...lines: string[]): string[] {
  // The title passed projectTitleSchema (no line breaks), so it cannot end the comment line.
  const region = context.region ? `, region ${context.region}` : '';
  return [`Keywarden onboarding kit, project ${context.projectId} (${context.projectTitle})${region}.`, ...lines];
}

/** Serialises an object as YAML with a comment on top. Long lines are never folded. */
function yamlText(value: unknown, comment: string[], quotedKeys: readonly string[] = []): string {
  const doc = new Document(value);
  doc.commentBefore = comment.map((line) => ` ${line}`).join('\n');
  const quoted = new Set(quotedKeys);
  // A cron schedule reads better quoted, as the docs write it ('0 5 * * *').
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && quoted.has(String(pair.key.value)) && isScalar(pair.value)) {
        pair.value.type = Scalar.QUOTE_SINGLE;
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Places a fragment of app configuration where the vendor's file expects it. */
function appConfig(vendor: Vendor, appName: string, fragment: Record<string, unknown>): Record<string, unknown> {
  return vendor === 'upsun' ? { applications: { [appName]: fragment } } : fragment;
}

// --- Build hook -------------------------------------------------------------------------------

/** The current docs' build hook: Homebrew unpacked into the app directory, PATH set for runtime. */
function homebrewBuildHook(cli: VendorCli): string {
  return [
    'set -e',
    'echo "Downloading Homebrew"',
    'curl -fsSL https://github.com/Homebrew/brew/tarball/master -o brew.tar.gz',
    'mkdir -p "$PLATFORM_APP_DIR/.linuxbrew"',
    'tar xzf brew.tar.gz --strip-components 1 -C "$PLATFORM_APP_DIR/.linuxbrew/"',
    'rm brew.tar.gz',
    'eval "$("$PLATFORM_APP_DIR/.linuxbrew/bin/brew" shellenv)"',
    'brew analytics off',
    `echo "Installing the ${cli.label} CLI"`,
    `brew install ${cli.brewFormula}`,
    // Single quotes: .environment is sourced at runtime and in SSH sessions, where it expands the
    // variables itself; the build image's PATH is not the runtime's.
    `echo 'export PATH="$PLATFORM_APP_DIR/.linuxbrew/bin:$PLATFORM_APP_DIR/.linuxbrew/sbin\${PATH+:$PATH}"' >> "$PLATFORM_APP_DIR/.environment"`,
    '',
  ].join('\n');
}

/** The older docs' build hook. It needs PHP in the build image, and the installer adds
 *  `.platformsh/bin` to the PATH through `.environment` itself. */
const INSTALLER_BUILD_HOOK = ['set -e', 'curl -fsS https://platform.sh/cli/installer | php', ''].join('\n');

export function buildHookSnippet(context: ProjectContext, options: AppConfigOptions = {}): Snippet {
  const project = parseContext(context);
  const { form, appName } = parseInput(appConfigOptionsSchema, options);
  const cli = VENDOR_CLI[project.vendor];
  if (form === 'older' && project.vendor === 'upsun') {
    // The PHP installer only ever installed the `platform` binary.
    throw new OnboardingInputError('The older installer cannot install the Upsun CLI; use the current form.', {
      form: ['The older installer cannot install the Upsun CLI.'],
    });
  }
  const script = form === 'current' ? homebrewBuildHook(cli) : INSTALLER_BUILD_HOOK;
  const text = yamlText(
    appConfig(project.vendor, appName, { hooks: { build: script } }),
    header(
      project,
      `Installs the ${cli.label} CLI during the build. Merge into ${cli.configFile}:`,
      'if the app already has a build hook, add these lines to it.',
    ),
  );
  return { filename: `${cli.filenamePrefix}.build-hook.yaml`, language: 'yaml', text };
}

// --- Tasks the CLI runs -----------------------------------------------------------------------

export type CronTask =
  | { kind: 'backup' }
  | { kind: 'source-operation'; operation: string }
  | { kind: 'certificate-renewal' }
  /** A command line of the user's. When it is one CLI call, missing --no-wait / --yes are added. */
  | { kind: 'custom'; command: string; name?: string };

/** What a CI job can run: the cron tasks, or a read-only check that the token works. */
export type CiTask = CronTask | { kind: 'environment-info' };

const cronTaskSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('backup') }),
  z.strictObject({ kind: z.literal('source-operation'), operation: sourceOperationNameSchema }),
  z.strictObject({ kind: z.literal('certificate-renewal') }),
  z.strictObject({ kind: z.literal('custom'), command: commandLineSchema, name: cronNameSchema.optional() }),
]);

const ciTaskSchema = z.union([cronTaskSchema, z.strictObject({ kind: z.literal('environment-info') })]);

type ParsedTask = z.output<typeof ciTaskSchema>;

/**
 * Default schedules (UTC). Backups daily at 05:00, as in the older docs. Certificates twice a month:
 * Let's Encrypt certificates last 90 days and are renewed on a deploy when close to expiry, so a
 * redeploy on the 1st and 15th never lets one lapse. A source operation (often a dependency
 * update) daily at 03:00, away from the backup.
 */
const DEFAULT_SPECS: Record<Exclude<CronTask['kind'], 'custom'>, string> = {
  backup: '0 5 * * *',
  'certificate-renewal': '0 10 1,15 * *',
  'source-operation': '0 3 * * *',
};

function cronNameOf(task: Exclude<ParsedTask, { kind: 'environment-info' }>): string {
  switch (task.kind) {
    case 'backup':
      return 'backup';
    case 'certificate-renewal':
      return 'renewcert';
    case 'source-operation':
      // Cron names take no dots; source operation names may.
      return `sourceop_${task.operation.replaceAll('.', '_')}`;
    case 'custom':
      return task.name ?? 'custom';
  }
}

/**
 * The command line for a task. `where: 'ci'` names the project and environment, which the CLI
 * detects by itself only on an app container.
 */
function taskCommand(task: ParsedTask, project: z.output<typeof projectContextSchema>, where: 'container' | 'ci'): string {
  const cli = VENDOR_CLI[project.vendor];
  const target = where === 'ci' ? ` -p ${shellQuote(project.projectId)} -e ${shellQuote(project.productionBranch)}` : '';
  switch (task.kind) {
    case 'backup':
      return `${cli.binary} backup:create${target} --yes --no-wait`;
    case 'certificate-renewal':
      // A redeploy re-provisions Let's Encrypt certificates that are close to expiry.
      return `${cli.binary} redeploy${target} --yes --no-wait`;
    case 'source-operation':
      // No --yes: source-operation:run only asks a question when no operation is named (it then
      // offers a choice), and a cron always names one.
      return `${cli.binary} source-operation:run ${shellQuote(task.operation)}${target} --no-wait`;
    case 'environment-info':
      // Read-only, so nothing to wait for: --no-wait would only matter when setting a property.
      return `${cli.binary} environment:info${target}`;
    case 'custom':
      return completeCustomCommand(task.command, cli, where === 'ci' ? project : null);
  }
}

/**
 * Adds what a user's CLI call is missing for unattended use. Only a single simple command is
 * changed: appending to `a && b` would give the flags to `b`, so a compound command is left as
 * written (and the linter points at what it lacks).
 */
function completeCustomCommand(
  command: string,
  cli: VendorCli,
  ciProject: z.output<typeof projectContextSchema> | null,
): string {
  const commands = splitCommands(command);
  for (const { words } of commands) {
    const call = analyseCliCall(commandWords(words));
    if (call && call.binary !== cli.binary) {
      // The build hook installs one binary; the other one would not be found.
      throw new OnboardingInputError(`Use the ${cli.binary} command: the ${cli.label} CLI is the one installed.`, {
        command: [`Start the command with ${cli.binary}, not ${call.binary}.`],
      });
    }
  }
  const words = commands.length === 1 && commands[0]?.separator === null ? commandWords(commands[0].words) : [];
  const call = analyseCliCall(words);
  if (!call) return command;

  const additions: string[] = [];
  if (ciProject && !words.some((word) => word === '-p' || word.startsWith('--project'))) {
    additions.push(`-p ${shellQuote(ciProject.projectId)}`);
  }
  if (ciProject && !words.some((word) => word === '-e' || word.startsWith('--environment'))) {
    additions.push(`-e ${shellQuote(ciProject.productionBranch)}`);
  }
  if (call.mayPrompt) additions.push('--yes');
  if (call.waits) additions.push('--no-wait');
  return [command, ...additions].join(' ');
}

// --- Cron -------------------------------------------------------------------------------------

const cronOptionsSchema = appConfigOptionsSchema.extend({
  /** A 5-field cron schedule (UTC); `H` is allowed, as Platform.sh understands it. */
  spec: cronSpecSchema(true).optional(),
});

export type CronOptions = z.input<typeof cronOptionsSchema>;

/** Wraps a command so that it runs on production only. */
function productionGuard(command: string, form: SnippetForm, productionBranch: string): string {
  // Upsun keeps the PLATFORM_* variables, so one guard serves both vendors.
  const condition =
    form === 'current' ? '[ "$PLATFORM_ENVIRONMENT_TYPE" = production ]' : `[ "$PLATFORM_BRANCH" = ${shellQuote(productionBranch)} ]`;
  return [`if ${condition}; then`, `    ${command}`, 'fi', ''].join('\n');
}

export function cronSnippet(context: ProjectContext, task: CronTask, options: CronOptions = {}): Snippet {
  const project = parseContext(context);
  const parsedTask = parseInput(cronTaskSchema, task);
  const { form, appName, spec: givenSpec } = parseInput(cronOptionsSchema, options);
  if (parsedTask.kind === 'custom' && givenSpec === undefined) {
    throw new OnboardingInputError('Choose when the command runs.', { spec: ['A custom cron needs a schedule.'] });
  }
  const spec = givenSpec ?? DEFAULT_SPECS[parsedTask.kind as keyof typeof DEFAULT_SPECS];
  const cli = VENDOR_CLI[project.vendor];
  const name = cronNameOf(parsedTask);
  const start = productionGuard(taskCommand(parsedTask, project, 'container'), form, project.productionBranch);

  const guardNote =
    form === 'current'
      ? 'Runs on the production environment only ($PLATFORM_ENVIRONMENT_TYPE).'
      : `Runs on the ${project.productionBranch} branch only (older form: a renamed branch silently stops it).`;
  const text = yamlText(
    appConfig(project.vendor, appName, { crons: { [name]: { spec, commands: { start } } } }),
    header(
      project,
      `Merge into ${cli.configFile}. ${guardNote}`,
      `Needs the build hook that installs the CLI and env:${cli.tokenVariable} on the environment.`,
      'Schedules are in UTC.',
    ),
    ['spec'],
  );
  return { filename: `${cli.filenamePrefix}.cron-${name}.yaml`, language: 'yaml', text };
}

// --- CLI equivalents of what Keywarden does ---------------------------------------------------

const ENVIRONMENT_TYPES = ['production', 'staging', 'development'] as const;
const TYPE_ROLES = ['admin', 'contributor', 'viewer'] as const;

const addUserSchema = z
  .strictObject({
    email: emailSchema,
    projectRole: z.enum(['admin', 'viewer']).default('viewer'),
    /** Roles per environment type, e.g. `{ production: 'admin' }` for a backup machine user. */
    environmentTypeRoles: z.partialRecord(z.enum(ENVIRONMENT_TYPES), z.enum(TYPE_ROLES)).default({}),
  })
  .superRefine((value, ctx) => {
    if (value.projectRole === 'admin' && Object.keys(value.environmentTypeRoles).length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['environmentTypeRoles'],
        message: 'A project admin already has every environment type; make the user a viewer to limit it.',
      });
    }
  });

export type AddUserInput = z.input<typeof addUserSchema>;

function shellScript(comment: string[], commands: string[]): string {
  return ['#!/usr/bin/env bash', ...comment.map((line) => `# ${line}`), 'set -euo pipefail', '', ...commands, ''].join('\n');
}

/** `platform user:add`, inviting the machine user with its project and environment-type roles. */
export function addUserCommandSnippet(context: ProjectContext, input: AddUserInput): Snippet {
  const project = parseContext(context);
  const { email, projectRole, environmentTypeRoles } = parseInput(addUserSchema, input);
  const cli = VENDOR_CLI[project.vendor];
  const roles = [
    `--role ${projectRole}`,
    ...ENVIRONMENT_TYPES.flatMap((type) => {
      const role = environmentTypeRoles[type];
      return role ? [`--role ${type}:${role}`] : [];
    }),
  ];
  // No --yes: a person runs this, and the CLI's summary before it sends the invitation is worth reading.
  const command = `${cli.binary} user:add ${shellQuote(email)} -p ${shellQuote(project.projectId)} ${roles.join(' ')}`;
  const text = shellScript(
    header(project, 'Invites the machine user. Check the summary the CLI prints, then confirm.'),
    [command],
  );
  return { filename: `${project.projectId}-user-add.sh`, language: 'shell', text };
}

const tokenVariableSchema = z.strictObject({
  /** Environments to set the variable on; the production branch when omitted. */
  environments: z.array(branchSchema).min(1).max(100).optional(),
  /** Whether the build hook sees the token. Installing the CLI needs no token, so off by default. */
  visibleBuild: z.boolean().default(false),
});

export type TokenVariableInput = z.input<typeof tokenVariableSchema>;

/**
 * `platform variable:create` for `env:PLATFORMSH_CLI_TOKEN` (`env:UPSUN_CLI_TOKEN`). The generator
 * takes no token on purpose (SECURITY.md T1): the script reads it at a silent prompt into a shell
 * variable, so it is neither in the snippet nor in the shell history.
 */
export function setTokenVariableSnippet(context: ProjectContext, input: TokenVariableInput = {}): Snippet {
  const project = parseContext(context);
  const { environments, visibleBuild } = parseInput(tokenVariableSchema, input);
  const cli = VENDOR_CLI[project.vendor];
  const valueVariable = `${cli.tokenVariable}_VALUE`;
  const commands = [
    `read -r -s -p 'API token of the machine user (not shown): ' ${valueVariable}`,
    'echo',
    ...[...new Set(environments ?? [project.productionBranch])].map((environment) =>
      [
        // Long option names: this is the "what Keywarden did" a person reads, flag by flag.
        `${cli.binary} variable:create --project ${shellQuote(project.projectId)} --environment ${shellQuote(environment)}`,
        `--level environment --name env:${cli.tokenVariable} --sensitive true --json false`,
        `--inheritable false --enabled true --visible-build ${visibleBuild} --visible-runtime true`,
        `--value "$${valueVariable}"`,
      ].join(' '),
    ),
    `unset ${valueVariable}`,
  ];
  const text = shellScript(
    header(
      project,
      `Sets env:${cli.tokenVariable} (sensitive, not inherited) so the CLI on the app container can authenticate.`,
      'Paste the token at the prompt: it is not shown, not stored in this file and not kept in your shell history.',
      'It is passed to the CLI as an argument, so run this on a machine only you use.',
    ),
    commands,
  );
  return { filename: `${project.projectId}-set-cli-token.sh`, language: 'shell', text };
}

// --- Other CI systems -------------------------------------------------------------------------

const ciOptionsSchema = z.strictObject({
  task: ciTaskSchema.default({ kind: 'environment-info' }),
  /** GitHub Actions only: also run on this schedule (UTC, no `H`). */
  schedule: cronSpecSchema(false).optional(),
});

export type CiOptions = z.input<typeof ciOptionsSchema>;

export function githubActionsSnippet(context: ProjectContext, options: CiOptions = {}): Snippet {
  const project = parseContext(context);
  const { task, schedule } = parseInput(ciOptionsSchema, options);
  const cli = VENDOR_CLI[project.vendor];
  const workflow = {
    // The title stays in the comment: names and run lines can hold GitHub expressions.
    name: `${cli.label} CLI`,
    on: schedule ? { workflow_dispatch: {}, schedule: [{ cron: schedule }] } : { workflow_dispatch: {} },
    permissions: { contents: 'read' },
    jobs: {
      cli: {
        'runs-on': 'ubuntu-latest',
        env: {
          [cli.tokenVariable]: `\${{ secrets.${cli.tokenVariable} }}`,
          [cli.noInteractionVariable]: '1',
        },
        steps: [
          { name: `Install the ${cli.label} CLI`, run: cli.installCommand },
          { name: 'Run the CLI', run: taskCommand(task, project, 'ci') },
        ],
      },
    },
  };
  const text = yamlText(
    workflow,
    header(
      project,
      `Save as .github/workflows/${cli.binary}-cli.yml and add the machine user's API token as the`,
      `repository secret ${cli.tokenVariable} (Settings → Secrets and variables → Actions).`,
    ),
    ['cron'],
  );
  return { filename: `${cli.binary}-cli.yml`, language: 'yaml', text };
}

export function gitlabCiSnippet(context: ProjectContext, options: Omit<CiOptions, 'schedule'> = {}): Snippet {
  const project = parseContext(context);
  const { task } = parseInput(ciOptionsSchema, options);
  const cli = VENDOR_CLI[project.vendor];
  const job = {
    [`${cli.binary}-cli`]: {
      image: 'ubuntu:24.04',
      // The token is not here: it is a masked CI/CD variable that GitLab passes to the job.
      variables: { [cli.noInteractionVariable]: '1' },
      rules: [{ if: '$CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"' }],
      before_script: [
        'apt-get update && apt-get install -y --no-install-recommends ca-certificates curl',
        cli.installCommand,
      ],
      script: [taskCommand(task, project, 'ci')],
    },
  };
  const text = yamlText(
    job,
    header(
      project,
      `Add to .gitlab-ci.yml. Store the machine user's API token as the CI/CD variable ${cli.tokenVariable}`,
      '(Settings → CI/CD → Variables) with "Masked" set, and "Protected" if only protected branches run this job.',
    ),
  );
  return { filename: `gitlab-ci.${cli.binary}-cli.yml`, language: 'yaml', text };
}


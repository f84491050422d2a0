import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintAppConfig } from './lint';
import { OnboardingInputError, type ProjectContext } from './schemas';
import { shellQuote } from './shell';
import {
  addUserCommandSnippet,
  buildHookSnippet,
  cronSnippet,
  githubActionsSnippet,
  gitlabCiSnippet,
  setTokenVariableSnippet,
  type CronTask,
  type Snippet,
} from './snippets';

const PLATFORM: ProjectContext = { projectId: 'abc123xyz', projectTitle: 'Shop', productionBranch: 'main', vendor: 'platformsh' };
const UPSUN: ProjectContext = { ...PLATFORM, vendor: 'upsun' };

/** One task of each kind; the custom one calls the vendor's own binary. */
function tasksFor(context: ProjectContext): CronTask[] {
  const binary = context.vendor === 'upsun' ? 'upsun' : 'platform';
  return [
    { kind: 'backup' },
    { kind: 'source-operation', operation: 'update-deps' },
    { kind: 'certificate-renewal' },
    { kind: 'custom', command: `${binary} backup:create`, name: 'backup2' },
  ];
}

/** A custom task needs a schedule; the others have defaults. */
function cronFor(context: ProjectContext, task: CronTask, form: 'current' | 'older' = 'current'): Snippet {
  return cronSnippet(context, task, task.kind === 'custom' ? { form, spec: '30 2 * * *' } : { form });
}

/** Reads a value at a path of keys out of parsed YAML, failing the test when it is missing. */
function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    expect(current, `missing ${path.join('.')}`).toBeTypeOf('object');
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function expectInvalid(run: () => unknown, field: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OnboardingInputError);
    expect((error as OnboardingInputError).code).toBe('invalid_input');
    expect(Object.keys((error as OnboardingInputError).fieldErrors ?? {})).toContain(field);
    return;
  }
  expect.fail(`expected invalid input for ${field}`);
}

describe('shellQuote', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('main')).toBe('main');
    expect(shellQuote('release/1.0')).toBe('release/1.0');
    expect(shellQuote('a b')).toBe(`'a b'`);
    expect(shellQuote('$HOME')).toBe(`'$HOME'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe(`''`);
  });
});

describe('the header', () => {
  it('names the project, its title and its region host when known', () => {
    expect(buildHookSnippet({ ...PLATFORM, region: 'eu-3.platform.sh' }).text.split('\n')[0]).toBe('# Keywarden onboarding kit, project abc123xyz (Shop), region eu-3.platform.sh.');
    expect(buildHookSnippet(PLATFORM).text.split('\n')[0]).toBe('# Keywarden onboarding kit, project abc123xyz (Shop).');
    expectInvalid(() => buildHookSnippet({ ...PLATFORM, region: 'eu-3.platform.sh\n  hooks: {}' }), 'region');
  });
});

describe('buildHookSnippet', () => {
  it('installs the CLI with Homebrew into the app directory by default', () => {
    const snippet = buildHookSnippet(PLATFORM);
    expect(snippet).toMatchObject({ filename: 'platform.app.build-hook.yaml', language: 'yaml' });
    const build = at(parse(snippet.text), 'hooks', 'build') as string;
    expect(build).toContain('$PLATFORM_APP_DIR/.linuxbrew');
    expect(build).toContain('brew install platformsh/tap/platformsh-cli');
    expect(build).toContain('>> "$PLATFORM_APP_DIR/.environment"');
    expect(snippet.text).toContain('build: |');
  });

  it('writes the older installer form on request', () => {
    const build = at(parse(buildHookSnippet(PLATFORM, { form: 'older' }).text), 'hooks', 'build') as string;
    expect(build).toContain('https://platform.sh/cli/installer | php');
    expect(build).not.toContain('brew');
  });

  it('nests the hook under applications.<app> for Upsun and installs the upsun binary', () => {
    const snippet = buildHookSnippet(UPSUN, { appName: 'web' });
    expect(snippet.filename).toBe('upsun.config.build-hook.yaml');
    const build = at(parse(snippet.text), 'applications', 'web', 'hooks', 'build') as string;
    expect(build).toContain('brew install upsun/tap/upsun-cli');
    expect(at(parse(buildHookSnippet(UPSUN).text), 'applications', 'app', 'hooks', 'build')).toBe(build);
  });

  it('refuses the older form for Upsun and an app name that is not a name', () => {
    expectInvalid(() => buildHookSnippet(UPSUN, { form: 'older' }), 'form');
    expectInvalid(() => buildHookSnippet(UPSUN, { appName: 'web: {x' }), 'appName');
  });
});

describe('cronSnippet', () => {
  it('backs up daily on production only, without waiting', () => {
    const snippet = cronSnippet(PLATFORM, { kind: 'backup' });
    expect(snippet).toMatchObject({ filename: 'platform.app.cron-backup.yaml', language: 'yaml' });
    const cron = at(parse(snippet.text), 'crons', 'backup');
    expect(at(cron, 'spec')).toBe('0 5 * * *');
    const start = at(cron, 'commands', 'start') as string;
    expect(start).toBe('if [ "$PLATFORM_ENVIRONMENT_TYPE" = production ]; then\n    platform backup:create --yes --no-wait\nfi\n');
    expect(snippet.text).toContain(`spec: '0 5 * * *'`);
    expect(snippet.text).toContain('start: |');
  });

  it('names each task and gives it a sensible schedule', () => {
    const renew = at(parse(cronSnippet(PLATFORM, { kind: 'certificate-renewal' }).text), 'crons', 'renewcert');
    expect(at(renew, 'spec')).toBe('0 10 1,15 * *');
    expect(at(renew, 'commands', 'start')).toContain('platform redeploy --yes --no-wait');

    const op = at(parse(cronSnippet(PLATFORM, { kind: 'source-operation', operation: 'update.deps' }).text), 'crons', 'sourceop_update_deps');
    // source-operation:run asks nothing when the operation is named, so no --yes.
    expect(at(op, 'commands', 'start')).toContain('platform source-operation:run update.deps --no-wait\n');
  });

  it('guards on the branch in the older form', () => {
    const start = at(parse(cronFor({ ...PLATFORM, productionBranch: 'master' }, { kind: 'backup' }, 'older').text), 'crons', 'backup', 'commands', 'start');
    expect(start).toBe('if [ "$PLATFORM_BRANCH" = master ]; then\n    platform backup:create --yes --no-wait\nfi\n');
  });

  it('uses the upsun command under applications.<app>.crons, keeping the PLATFORM_ guard', () => {
    const snippet = cronSnippet(UPSUN, { kind: 'backup' }, { appName: 'api' });
    expect(snippet.filename).toBe('upsun.config.cron-backup.yaml');
    const start = at(parse(snippet.text), 'applications', 'api', 'crons', 'backup', 'commands', 'start') as string;
    expect(start).toContain('upsun backup:create --yes --no-wait');
    expect(start).toContain('"$PLATFORM_ENVIRONMENT_TYPE" = production');
  });

  it('adds --no-wait and --yes to a custom CLI call only when missing', () => {
    const start = (command: string) =>
      at(parse(cronSnippet(PLATFORM, { kind: 'custom', command, name: 'job' }, { spec: '0 1 * * *' }).text), 'crons', 'job', 'commands', 'start');
    expect(start('platform redeploy')).toContain('platform redeploy --yes --no-wait\n');
    expect(start('platform redeploy -W -y')).toContain('platform redeploy -W -y\n');
    expect(start('platform environment:list')).toContain('platform environment:list\n');
    expect(start('php bin/console app:sync')).toContain('php bin/console app:sync\n');
    // A compound command is left as written: the flags would land on the wrong command.
    expect(start('platform redeploy && echo done')).toContain('platform redeploy && echo done\n');
  });

  it('validates schedules and names', () => {
    expect(at(parse(cronSnippet(PLATFORM, { kind: 'backup' }, { spec: ' H  4 * * * ' }).text), 'crons', 'backup', 'spec')).toBe('H 4 * * *');
    expectInvalid(() => cronSnippet(PLATFORM, { kind: 'backup' }, { spec: '0 5 * *' }), 'spec');
    expectInvalid(() => cronSnippet(PLATFORM, { kind: 'backup' }, { spec: '0 24 * * *' }), 'spec');
    expectInvalid(() => cronSnippet(PLATFORM, { kind: 'backup' }, { spec: '0 5 * * *; rm -rf /' }), 'spec');
    expectInvalid(() => cronSnippet(PLATFORM, { kind: 'custom', command: 'platform backup:create' }), 'spec');
    expectInvalid(() => cronSnippet(PLATFORM, { kind: 'source-operation', operation: 'x; rm -rf /' }), 'operation');
    expectInvalid(() => cronSnippet(PLATFORM, { kind: 'custom', command: 'platform redeploy\nrm -rf /' }, { spec: '0 1 * * *' }), 'command');
    expectInvalid(() => cronSnippet(UPSUN, { kind: 'custom', command: 'platform redeploy' }, { spec: '0 1 * * *' }), 'command');
  });

  it('passes its own linter: no warnings in the current form, only the branch guard in the older one', () => {
    for (const context of [PLATFORM, UPSUN]) {
      for (const task of tasksFor(context)) {
        const current = lintAppConfig(cronFor(context, task).text);
        expect(current, `${context.vendor} ${task.kind}`).toEqual([]);
        const older = lintAppConfig(cronFor(context, task, 'older').text);
        expect(older.map((finding) => finding.code), `${context.vendor} ${task.kind}`).toEqual(['branch-guard']);
      }
    }
  });
});

describe('project context', () => {
  it('rejects a branch that carries shell syntax', () => {
    for (const productionBranch of ['main; rm -rf /', 'main$(id)', '-main', 'a..b', '${{ secrets.X }}', '']) {
      expectInvalid(() => cronFor({ ...PLATFORM, productionBranch }, { kind: 'backup' }, 'older'), 'productionBranch');
    }
  });

  it('rejects a bad project ID and a title with a line break, and keeps quotes in the title harmless', () => {
    expectInvalid(() => buildHookSnippet({ ...PLATFORM, projectId: 'ABC-1' }), 'projectId');
    expectInvalid(() => buildHookSnippet({ ...PLATFORM, projectTitle: 'Shop\nhooks: {}' }), 'projectTitle');

    const title = `Bob's "shop" \${{ github.token }} $(rm -rf /)`;
    for (const snippet of [buildHookSnippet({ ...PLATFORM, projectTitle: title }), githubActionsSnippet({ ...PLATFORM, projectTitle: title })]) {
      // The title is only ever in a comment, so the document is the same as without it.
      const withoutTitle = snippet.filename.endsWith('.yml') ? githubActionsSnippet(PLATFORM) : buildHookSnippet(PLATFORM);
      expect(parse(snippet.text)).toEqual(parse(withoutTitle.text));
      expect(snippet.text.split('\n').filter((line) => line.includes(title)).every((line) => line.startsWith('#'))).toBe(true);
    }
    const script = addUserCommandSnippet({ ...PLATFORM, projectTitle: title }, { email: 'bot@example.com' }).text;
    expect(script.split('\n').filter((line) => line.includes(title)).every((line) => line.startsWith('# '))).toBe(true);
  });
});

describe('addUserCommandSnippet', () => {
  it('invites the machine user with a project role and environment-type roles', () => {
    const snippet = addUserCommandSnippet(PLATFORM, {
      email: ' Backup-Bot@Example.com ',
      environmentTypeRoles: { production: 'admin', staging: 'viewer' },
    });
    expect(snippet).toMatchObject({ filename: 'abc123xyz-user-add.sh', language: 'shell' });
    expect(snippet.text).toContain(
      'platform user:add backup-bot@example.com -p abc123xyz --role viewer --role production:admin --role staging:viewer\n',
    );
    expect(snippet.text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
  });

  it('quotes an e-mail address that needs it and refuses nonsense', () => {
    const text = addUserCommandSnippet(UPSUN, { email: `o'neil+ci@example.com` }).text;
    expect(text).toContain(`upsun user:add 'o'\\''neil+ci@example.com' -p abc123xyz --role viewer`);
    expectInvalid(() => addUserCommandSnippet(PLATFORM, { email: 'bot@example.com; rm -rf /' }), 'email');
    expectInvalid(
      () => addUserCommandSnippet(PLATFORM, { email: 'bot@example.com', projectRole: 'admin', environmentTypeRoles: { production: 'viewer' } }),
      'environmentTypeRoles',
    );
  });
});

describe('setTokenVariableSnippet', () => {
  it('sets env:PLATFORMSH_CLI_TOKEN from a prompt, never from a value it was given', () => {
    const snippet = setTokenVariableSnippet(PLATFORM, { environments: ['main', 'staging', 'main'] });
    const commands = snippet.text.split('\n').filter((line) => line.startsWith('platform variable:create'));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toBe(
      'platform variable:create --project abc123xyz --environment main --level environment --name env:PLATFORMSH_CLI_TOKEN --sensitive true --json false --inheritable false --enabled true --visible-build false --visible-runtime true --value "$PLATFORMSH_CLI_TOKEN_VALUE"',
    );
    expect(snippet.text).toContain(`read -r -s -p 'API token of the machine user (not shown): ' PLATFORMSH_CLI_TOKEN_VALUE`);
    expect(snippet.text).toContain('unset PLATFORMSH_CLI_TOKEN_VALUE');
  });

  it('has no field for a token, and uses the Upsun names for Upsun', () => {
    expectInvalid(() => setTokenVariableSnippet(PLATFORM, { value: 'secret' } as never), 'form');
    const text = setTokenVariableSnippet(UPSUN, { visibleBuild: true }).text;
    expect(text).toContain('upsun variable:create --project abc123xyz --environment main');
    expect(text).toContain('--name env:UPSUN_CLI_TOKEN');
    expect(text).toContain('--visible-build true');
  });
});

describe('CI snippets', () => {
  it('writes a GitHub Actions workflow that reads the token from a secret', () => {
    const snippet = githubActionsSnippet(PLATFORM, { task: { kind: 'backup' }, schedule: '0 5 * * 1' });
    const workflow = parse(snippet.text);
    expect(at(workflow, 'jobs', 'cli', 'env', 'PLATFORMSH_CLI_TOKEN')).toBe('${{ secrets.PLATFORMSH_CLI_TOKEN }}');
    expect(at(workflow, 'on', 'schedule')).toEqual([{ cron: '0 5 * * 1' }]);
    const steps = at(workflow, 'jobs', 'cli', 'steps') as { run: string }[];
    expect(steps[0]?.run).toBe('curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh | bash');
    expect(steps[1]?.run).toBe('platform backup:create -p abc123xyz -e main --yes --no-wait');
  });

  it('checks the token with a read-only command by default, and refuses H in a GitHub schedule', () => {
    const steps = at(parse(githubActionsSnippet(UPSUN).text), 'jobs', 'cli', 'steps') as { run: string }[];
    expect(steps[0]?.run).toContain('VENDOR=upsun bash');
    expect(steps[1]?.run).toBe('upsun environment:info -p abc123xyz -e main');
    expectInvalid(() => githubActionsSnippet(PLATFORM, { schedule: 'H 5 * * *' }), 'schedule');
  });

  it('names project and environment in a custom CI command unless given', () => {
    const steps = at(parse(githubActionsSnippet(PLATFORM, { task: { kind: 'custom', command: 'platform redeploy -e staging' } }).text), 'jobs', 'cli', 'steps') as { run: string }[];
    expect(steps[1]?.run).toBe('platform redeploy -e staging -p abc123xyz --yes --no-wait');
  });

  it('writes a GitLab CI job whose token is a masked variable, not part of the file', () => {
    const snippet = gitlabCiSnippet(PLATFORM, { task: { kind: 'source-operation', operation: 'update' } });
    const job = at(parse(snippet.text), 'platform-cli');
    expect(at(job, 'script')).toEqual(['platform source-operation:run update -p abc123xyz -e main --no-wait']);
    expect(at(job, 'variables')).toEqual({ PLATFORMSH_CLI_NO_INTERACTION: '1' });
    expect(snippet.text).toContain('Masked');
  });
});

describe('every snippet', () => {
  const all = (): Snippet[] =>
    [PLATFORM, UPSUN].flatMap((context) => [
      buildHookSnippet(context),
      ...tasksFor(context).map((task) => cronFor(context, task)),
      addUserCommandSnippet(context, { email: 'bot@example.com', environmentTypeRoles: { production: 'admin' } }),
      setTokenVariableSnippet(context),
      githubActionsSnippet(context),
      gitlabCiSnippet(context),
    ]);

  it('is valid YAML when it says so', () => {
    for (const snippet of all().filter((s) => s.language === 'yaml')) {
      expect(() => parse(snippet.text), snippet.filename).not.toThrow();
      expect(snippet.filename).toMatch(/\.ya?ml$/);
    }
  });

  it('holds nothing that looks like a token', () => {
    for (const snippet of all()) {
      // Long runs of token characters; the longest legitimate word is a variable name.
      expect(snippet.text, snippet.filename).not.toMatch(/[A-Za-z0-9_-]{40,}/);
    }
  });
});

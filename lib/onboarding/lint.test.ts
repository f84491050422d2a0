import { describe, expect, it } from 'vitest';
import { lintAppConfig, lintCronScript, type LintFinding } from './lint';

/** A .platform.app.yaml with one cron; its script starts on line 6 (`commands.start`) or 5 (`cmd`). */
function platformApp(script: string, key: 'commands' | 'cmd' = 'commands'): string {
  const indent = key === 'commands' ? '        ' : '      ';
  const body = script
    .trimEnd()
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n');
  const start = key === 'commands' ? '    commands:\n      start: |\n' : '    cmd: |\n';
  return `crons:\n  backup:\n    spec: '0 5 * * *'\n${start}${body}\n`;
}

const codes = (findings: LintFinding[]) => findings.map((finding) => finding.code);

const GUARDED = 'if [ "$PLATFORM_ENVIRONMENT_TYPE" = production ]; then\n    platform backup:create --yes --no-wait\nfi';

describe('lintAppConfig', () => {
  it('accepts the documented cron', () => {
    expect(lintAppConfig(platformApp(GUARDED))).toEqual([]);
  });

  it('asks for --no-wait on a call that waits, with the line of the call', () => {
    const findings = lintAppConfig(platformApp(GUARDED.replace(' --no-wait', '')));
    expect(findings).toEqual([
      expect.objectContaining({ code: 'missing-no-wait', severity: 'warning', cronName: 'backup', line: 7 }),
    ]);
    expect(findings[0]?.message).toContain('--no-wait');
  });

  it('warns about a call that runs on every environment', () => {
    const findings = lintAppConfig(platformApp('platform backup:create --yes --no-wait'));
    expect(findings).toEqual([expect.objectContaining({ code: 'runs-everywhere', severity: 'warning', line: 6 })]);
    expect(findings[0]?.message).toContain('PLATFORM_ENVIRONMENT_TYPE');
  });

  it('suggests the environment type over a branch check, once per check, in the older cmd form', () => {
    const script = 'if [ "$PLATFORM_BRANCH" = master ]; then\n    platform backup:create --yes --no-wait\n    platform redeploy --yes --no-wait\nfi';
    const findings = lintAppConfig(platformApp(script, 'cmd'));
    expect(findings).toEqual([expect.objectContaining({ code: 'branch-guard', severity: 'warning', line: 5 })]);
  });

  it('notes a missing --yes as information only', () => {
    const findings = lintAppConfig(platformApp(GUARDED.replace('--yes ', '')));
    expect(findings).toEqual([expect.objectContaining({ code: 'missing-yes', severity: 'info', line: 7 })]);
  });

  it('reports a YAML syntax error with its line instead of throwing', () => {
    const findings = lintAppConfig('crons:\n  backup:\n    spec: "0 5 * * *\n    cmd: platform backup:create\n');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'yaml-syntax', severity: 'error' });
    expect(findings[0]?.line).toBeTypeOf('number');

    expect(lintAppConfig('crons:\n  a: [\n')).toEqual([expect.objectContaining({ code: 'yaml-syntax', line: 3 })]);
  });

  it('reads crons under applications.<name> in the Upsun layout', () => {
    const text = [
      'applications:',
      '  web:',
      '    crons:',
      '      renewcert:',
      "        spec: '0 10 1,15 * *'",
      '        commands:',
      '          start: |',
      '            upsun redeploy',
      '  worker:',
      '    crons:',
      '      ok:',
      "        spec: '0 1 * * *'",
      '        commands:',
      '          start: |',
      '            [ "$PLATFORM_ENVIRONMENT_TYPE" = production ] && upsun backup:create -y -W',
    ].join('\n');
    const findings = lintAppConfig(text);
    expect(codes(findings)).toEqual(['missing-no-wait', 'runs-everywhere', 'missing-yes']);
    expect(findings.every((finding) => finding.appName === 'web' && finding.cronName === 'renewcert' && finding.line === 8)).toBe(true);
  });

  it('reads the list of applications in .platform/applications.yaml', () => {
    const text = "- name: app\n  crons:\n    b:\n      spec: '0 5 * * *'\n      cmd: platform backup:create\n";
    expect(lintAppConfig(text).map((finding) => [finding.code, finding.appName, finding.line])).toEqual([
      ['missing-no-wait', 'app', 5],
      ['runs-everywhere', 'app', 5],
      ['missing-yes', 'app', 5],
    ]);
  });

  it('does not mistake another command for the CLI', () => {
    const script = 'platformize --all\n/usr/bin/platformsh-helper backup:create\necho "platform backup:create"\nupsuntool redeploy';
    expect(lintAppConfig(platformApp(script))).toEqual([]);
  });

  it('flags an invalid schedule and says when there are no crons', () => {
    expect(codes(lintAppConfig("crons:\n  a:\n    spec: '0 5 * *'\n    cmd: echo hi\n"))).toEqual(['invalid-spec']);
    expect(codes(lintAppConfig('name: app\ntype: php:8.3\n'))).toEqual(['no-crons']);
    expect(codes(lintAppConfig('just a string'))).toEqual(['not-app-config']);
  });
});

describe('lintCronScript', () => {
  it('follows the guards people write', () => {
    const guarded = [
      'if [[ $PLATFORM_ENVIRONMENT_TYPE == "production" ]]; then platform redeploy -y -W; fi',
      '[ "$PLATFORM_ENVIRONMENT_TYPE" = production ] && platform redeploy -y -W',
      '[ "$PLATFORM_ENVIRONMENT_TYPE" != production ] && exit 0\nplatform redeploy -y -W',
      '[ "$PLATFORM_ENVIRONMENT_TYPE" = production ] || exit 0\nplatform redeploy -y -W',
      'if [ "$PLATFORM_ENVIRONMENT_TYPE" != production ]; then\n  exit 0\nfi\nplatform redeploy -y -W',
      'if [ "$PLATFORM_ENVIRONMENT_TYPE" != production ]; then\n  echo skip\nelse\n  platform redeploy -y -W\nfi',
      'if [ "${PLATFORM_ENVIRONMENT_TYPE}" = production ]; then\n  FOO=1 platform \\\n    redeploy -y -W\nfi',
    ];
    for (const script of guarded) expect(lintCronScript(script), script).toEqual([]);
  });

  it('does not take the wrong branch or a non-production check for a guard', () => {
    const unguarded = [
      'if [ "$PLATFORM_ENVIRONMENT_TYPE" = production ]; then\n  echo hi\nelse\n  platform redeploy -y -W\nfi',
      'if [ "$PLATFORM_ENVIRONMENT_TYPE" = staging ]; then platform redeploy -y -W; fi',
      '[ "$PLATFORM_ENVIRONMENT_TYPE" = production ] && echo prod; platform redeploy -y -W',
      'if [ "$PLATFORM_ENVIRONMENT_TYPE" != production ]; then\n  echo not prod\nfi\nplatform redeploy -y -W',
      'echo $(platform redeploy -y -W)',
    ];
    for (const script of unguarded) expect(codes(lintCronScript(script)), script).toEqual(['runs-everywhere']);
  });

  it('asks for --no-wait only where the command accepts it', () => {
    const script = (command: string) => `if [ "$PLATFORM_ENVIRONMENT_TYPE" = production ]; then ${command}; fi`;
    expect(codes(lintCronScript(script('platform source-operation:run update')))).toEqual(['missing-no-wait']);
    expect(codes(lintCronScript(script('platform variable:update env:X --value 1')))).toEqual(['missing-no-wait']);
    expect(codes(lintCronScript(script('platform environment:info title "New title"')))).toEqual(['missing-no-wait']);
    // Read-only: --no-wait does not exist on these and would make them fail.
    expect(lintCronScript(script('platform environment:info'))).toEqual([]);
    expect(lintCronScript(script('platform activity:list -p abc'))).toEqual([]);
    expect(lintCronScript(script('platform backup:list'))).toEqual([]);
  });

  it('numbers lines from 1 within the script', () => {
    expect(lintCronScript('echo start\n\nplatform backup:create --yes --no-wait')).toEqual([
      expect.objectContaining({ code: 'runs-everywhere', line: 3 }),
    ]);
  });
});

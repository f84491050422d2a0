import { describe, expect, it } from 'vitest';
import { analyseCliCall, PROMPTING_COMMANDS, WAITING_COMMANDS } from './cli-commands';

describe('the CLI command lists', () => {
  it('share the commands that both wait and ask, and keep the ones that do only one', () => {
    for (const both of ['backup:create', 'environment:redeploy', 'user:add', 'variable:delete']) {
      expect(WAITING_COMMANDS.has(both), both).toBe(true);
      expect(PROMPTING_COMMANDS.has(both), both).toBe(true);
    }
    // Waits, never asks.
    expect(WAITING_COMMANDS.has('variable:create')).toBe(true);
    expect(PROMPTING_COMMANDS.has('variable:create')).toBe(false);
    expect(WAITING_COMMANDS.has('source-operation:run')).toBe(true);
    expect(PROMPTING_COMMANDS.has('source-operation:run')).toBe(false);
    // Asks, never waits.
    expect(PROMPTING_COMMANDS.has('db:dump')).toBe(true);
    expect(WAITING_COMMANDS.has('db:dump')).toBe(false);
  });
});

describe('analyseCliCall', () => {
  it('reads aliases, combined short flags and options with values', () => {
    expect(analyseCliCall(['platform', 'backup', '-p', 'abc', '-yW'])).toMatchObject({ binary: 'platform', command: 'backup:create', waits: false, mayPrompt: false });
    expect(analyseCliCall(['/usr/local/bin/upsun', 'redeploy', '-e', 'main'])).toMatchObject({ binary: 'upsun', command: 'environment:redeploy', waits: true, mayPrompt: true });
    expect(analyseCliCall(['platform', 'variable:create', '--no-wait'])).toMatchObject({ waits: false, mayPrompt: false, hasNoWait: true });
  });

  it('treats environment:info as waiting only when it sets a property', () => {
    expect(analyseCliCall(['platform', 'environment:info'])?.waits).toBe(false);
    expect(analyseCliCall(['platform', 'environment:info', 'title', 'New'])?.waits).toBe(true);
  });

  it('is null for anything that is not the CLI', () => {
    expect(analyseCliCall(['echo', 'platform'])).toBeNull();
    expect(analyseCliCall([])).toBeNull();
  });
});

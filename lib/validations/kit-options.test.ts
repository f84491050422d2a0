import { describe, expect, it } from 'vitest';
import { defaultKitOptions, kitOptionsSearch } from '@/lib/onboarding/kit-options';
import { parseKitOptions } from './onboarding';
import { syncRefusedSchema } from './inventory';

const defaults = defaultKitOptions('platformsh', 'backup');

describe("the onboarding kit's options in its URL", () => {
  it('reads each option from its parameter', () => {
    expect(parseKitOptions({ form: 'older', task: 'custom', command: 'platform backup:create', schedule: '30 2 * * *', app: 'shop', operation: 'x' }, defaults)).toEqual({
      form: 'older',
      task: 'custom',
      command: 'platform backup:create',
      schedule: '30 2 * * *',
      appName: 'shop',
      operation: 'x',
    });
  });

  it('falls back to the defaults for what is absent, not an option, or far too long, and ignores other parameters', () => {
    expect(parseKitOptions({}, defaults)).toEqual(defaults);
    expect(parseKitOptions({ form: 'nonsense', task: 'rm -rf', app: 'x'.repeat(500), schedule: '5'.repeat(300), extra: '1' }, defaults)).toEqual(defaults);
    expect(defaultKitOptions('upsun', 'certificate-renewal')).toMatchObject({ form: 'upsun', task: 'certificate-renewal' });
  });

  it('leaves to the generator a value within bounds that it refuses (it says why beside the field)', () => {
    expect(parseKitOptions({ app: 'not a name', schedule: '61 2 * * *' }, defaults)).toMatchObject({ appName: 'not a name', schedule: '61 2 * * *' });
  });

  it('writes only what differs from the defaults, and never the free-text command', () => {
    expect(kitOptionsSearch(defaults, defaults)).toBe('');
    expect(kitOptionsSearch({ ...defaults, form: 'older', task: 'custom', command: 'platform backup:create', schedule: '30 2 * * *' }, defaults)).toBe('?form=older&task=custom&schedule=30+2+*+*+*');
  });
});

describe("a refused sync's code in the Projects page's URL", () => {
  it('is an error code, or nothing', () => {
    expect(syncRefusedSchema.parse('conflict')).toBe('conflict');
    expect(syncRefusedSchema.parse('<script>')).toBeUndefined();
    expect(syncRefusedSchema.parse(undefined)).toBeUndefined();
  });
});

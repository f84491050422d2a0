import { describe, expect, it } from 'vitest';
import { fail, ok } from '@/lib/errors';
import { SUBMITTED_VALUE_MAX_LENGTH, submittedValuesOf, withSubmittedValues } from './submitted-values';

const TOKEN_LIKE = 'kw1Ab2Cd3Ef4Gh5Ij6Kl7Mn8Op9Qr0StUvWx';

function formOf(entries: [string, string | Blob][]): FormData {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
}

describe('submittedValuesOf', () => {
  it('echoes the named fields as sent, every value of a repeated one, and an absent one as empty', () => {
    const form = formOf([
      ['name', 'CI provider breach'],
      ['events', 'finding_high'],
      ['events', 'rotation_due_today'],
      ['password', 'correct horse battery staple'],
    ]);
    expect(submittedValuesOf(form, ['name', 'events', 'all'])).toEqual({ name: ['CI provider breach'], events: ['finding_high', 'rotation_due_today'], all: [] });
  });

  it('never echoes a field it is not told to, a token-like value, an over-long value or a file', () => {
    const form = formOf([
      ['password', 'correct horse battery staple'],
      ['reason', `leaked ${TOKEN_LIKE}`],
      ['note', 'x'.repeat(SUBMITTED_VALUE_MAX_LENGTH + 1)],
      ['upload', new Blob(['bytes'])],
    ]);
    const echoed = submittedValuesOf(form, ['reason', 'note', 'upload']);
    expect(echoed).toEqual({ reason: [], note: [], upload: [] });
    expect(JSON.stringify(echoed)).not.toContain(TOKEN_LIKE);
  });
});

describe('withSubmittedValues', () => {
  const form = formOf([['name', 'typed']]);

  it('attaches the named fields to a refusal', () => {
    expect(withSubmittedValues(form, ['name'], fail('invalid_input', 'No.', { name: ['Too long.'] }))).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'No.', fieldErrors: { name: ['Too long.'] } },
      submitted: { name: ['typed'] },
    });
  });

  it('leaves a success as it is: the form resets to the page’s values', () => {
    expect(withSubmittedValues(form, ['name'], ok({ id: 1 }))).toEqual({ ok: true, data: { id: 1 } });
  });
});

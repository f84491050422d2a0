import { describe, expect, it } from 'vitest';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { submittedDefaults } from './submitted-values';

const refused: ActionResult<unknown> = { ...fail('invalid_input', 'No.'), submitted: { name: ['typed'], reason: [], kind: ['rotation'], events: ['a', 'c'] } };

describe('submittedDefaults', () => {
  it('gives the page’s defaults before any answer and after a success', () => {
    for (const state of [null, undefined, ok({})]) {
      const sent = submittedDefaults(state);
      expect(sent.text('name', 'page default')).toBe('page default');
      expect(sent.text('name')).toBe('');
      expect(sent.checked('kind', 'revocation', true)).toBe(true);
    }
  });

  it('gives what was sent after a refusal, an echoed-empty field empty', () => {
    const sent = submittedDefaults(refused);
    expect(sent.text('name', 'page default')).toBe('typed');
    expect(sent.text('reason', 'page default')).toBe('');
    expect(sent.checked('kind', 'revocation', true)).toBe(false);
    expect(sent.checked('kind', 'rotation', false)).toBe(true);
    expect(['a', 'b', 'c'].map((event) => sent.checked('events', event, true))).toEqual([true, false, true]);
  });

  it('keeps the page’s default for a field the refusal does not echo', () => {
    const sent = submittedDefaults({ ...fail('forbidden', 'No.'), submitted: { name: ['typed'] } });
    expect(sent.text('password', 'page default')).toBe('page default');
    expect(sent.checked('allowPrivate', 'on', true)).toBe(true);
    expect(submittedDefaults(fail('forbidden', 'No.')).text('name', 'page default')).toBe('page default');
  });
});
